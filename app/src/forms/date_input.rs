//! The NHS.UK date input: a date entered as day, month and year in three boxes (named
//! `{name}-day`, `{name}-month`, `{name}-year`), with one message for the date that names
//! the box to correct, in the words of the NHS.UK design system's date input pattern
//! (<https://service-manual.nhs.uk/design-system/components/date-input>).

use leptos::prelude::*;

use super::feedback;

/// The three boxes of a date as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateParts {
    pub day: String,
    pub month: String,
    pub year: String,
}

/// Which box a message is about, for the error summary's link and the red border.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBox {
    Day,
    Month,
    Year,
    /// The date as a whole (it does not exist, or is out of range).
    Whole,
}

impl DateBox {
    /// The field name a message about this box goes under (`closes-month`, or `closes`
    /// for the date as a whole).
    pub fn field(self, name: &str) -> String {
        match self {
            DateBox::Day => format!("{name}-day"),
            DateBox::Month => format!("{name}-month"),
            DateBox::Year => format!("{name}-year"),
            DateBox::Whole => name.to_owned(),
        }
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl DateParts {
    pub fn new(day: &str, month: &str, year: &str) -> Self {
        Self {
            day: day.trim().to_owned(),
            month: month.trim().to_owned(),
            year: year.trim().to_owned(),
        }
    }

    /// The boxes filled from a stored `YYYY-MM-DD` date (empty for none).
    pub fn from_iso(iso: Option<&str>) -> Self {
        let mut parts = iso.unwrap_or_default().splitn(3, '-');
        let (year, month, day) = (parts.next(), parts.next(), parts.next());
        match (year, month, day) {
            (Some(y), Some(m), Some(d)) if crate::dates::is_iso_date(iso.unwrap_or_default()) => {
                Self {
                    day: d.trim_start_matches('0').to_owned(),
                    month: m.trim_start_matches('0').to_owned(),
                    year: y.to_owned(),
                }
            }
            _ => Self::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty() && self.month.is_empty() && self.year.is_empty()
    }

    /// The date as `YYYY-MM-DD`, or `None` when all three boxes are empty. `what` names the
    /// date in messages ("Date of the change"). A day typed as a whole date (`14/12/2026`,
    /// `14-12-2026`, `2026-12-14`) with the other boxes empty is read as that date; months
    /// may be numbers or names (`12`, `Dec`, `December`).
    pub fn parse(&self, what: &str) -> Result<Option<String>, (DateBox, String)> {
        if self.is_empty() {
            return Ok(None);
        }
        if self.month.is_empty() && self.year.is_empty() {
            if let Some(whole) = whole_date(&self.day) {
                return whole.parse(what);
            }
        }
        let missing: Vec<(DateBox, &str)> = [
            (DateBox::Day, "a day", &self.day),
            (DateBox::Month, "a month", &self.month),
            (DateBox::Year, "a year", &self.year),
        ]
        .into_iter()
        .filter(|(_, _, text)| text.is_empty())
        .map(|(which, words, _)| (which, words))
        .collect();
        match missing.as_slice() {
            [] => {}
            [(which, words)] => return Err((*which, format!("{what} must include {words}"))),
            [(first, a), (_, b)] => {
                return Err((*first, format!("{what} must include {a} and {b}")))
            }
            _ => return Err((DateBox::Day, format!("Enter {}", what.to_lowercase()))),
        }
        let day: u32 = self
            .day
            .parse()
            .map_err(|_| (DateBox::Day, format!("{what} must be a real date")))?;
        let month: u32 = match self.month.parse() {
            Ok(month) => month,
            Err(_) => {
                let name = self.month.to_lowercase();
                MONTHS
                    .iter()
                    .position(|m| name.len() >= 3 && m.starts_with(&name[..3]))
                    .map(|i| i as u32 + 1)
                    .ok_or_else(|| (DateBox::Month, format!("{what} must be a real date")))?
            }
        };
        if self.year.len() != 4 || !self.year.bytes().all(|b| b.is_ascii_digit()) {
            return Err((DateBox::Year, "Year must include 4 numbers".to_owned()));
        }
        let iso = format!("{}-{month:02}-{day:02}", self.year);
        if !(1..=12).contains(&month) {
            return Err((DateBox::Month, format!("{what} must be a real date")));
        }
        if !crate::dates::is_iso_date(&iso) {
            return Err((DateBox::Day, format!("{what} must be a real date")));
        }
        Ok(Some(iso))
    }

    /// The date, which must be given.
    pub fn required(&self, what: &str) -> Result<String, (DateBox, String)> {
        self.parse(what)?
            .ok_or_else(|| (DateBox::Day, format!("Enter {}", what.to_lowercase())))
    }
}

/// `14/12/2026`, `14-12-2026`, `14.12.2026` or `2026-12-14` typed into one box.
fn whole_date(text: &str) -> Option<DateParts> {
    let parts: Vec<&str> = text
        .split(['/', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [year, month, day] if year.len() == 4 => Some(DateParts::new(day, month, year)),
        [day, month, year] if year.len() == 4 => Some(DateParts::new(day, month, year)),
        _ => None,
    }
}

/// The NHS.UK date input: a fieldset with a legend, a hint, the message about the date
/// (from the form's feedback under `{name}`, `{name}-day`, `{name}-month` or
/// `{name}-year`), and the three boxes, keeping what was typed when the page is shown again.
#[component]
pub fn DateInput(
    form: &'static str,
    name: &'static str,
    #[prop(into)] legend: String,
    #[prop(optional)] hint: Option<&'static str>,
    /// The stored date shown when the form is first loaded (`YYYY-MM-DD`).
    #[prop(optional, into)]
    value: Option<String>,
) -> impl IntoView {
    let feedback = feedback(form);
    let boxes = [DateBox::Whole, DateBox::Day, DateBox::Month, DateBox::Year];
    let error = boxes.iter().find_map(|which| {
        feedback
            .as_ref()
            .and_then(|f| f.error_for(&which.field(name)))
            .map(|message| (*which, message))
    });
    let stored = DateParts::from_iso(value.as_deref());
    let typed = |which: DateBox, stored: &str| {
        feedback
            .as_ref()
            .filter(|f| !f.values.is_empty())
            .map(|f| f.value(&which.field(name)).unwrap_or_default())
            .unwrap_or_else(|| stored.to_owned())
    };
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let in_error = |which: DateBox| {
        error
            .as_ref()
            .is_some_and(|(bad, _)| *bad == which || *bad == DateBox::Whole)
    };
    let item = move |which: DateBox, label: &'static str, width: &'static str, value: String| {
        let id = which.field(name);
        view! {
            <div class="nhsuk-date-input__item">
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label nhsuk-date-input__label" for=id.clone()>{label}</label>
                    <input
                        class=format!("nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}")
                        class:nhsuk-input--error=in_error(which)
                        id=id.clone()
                        name=id
                        type="text"
                        inputmode="numeric"
                        value=value
                    />
                </div>
            </div>
        }
    };
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=error.is_some()>
            <fieldset class="nhsuk-fieldset" role="group" aria-describedby=(!described_by.is_empty()).then_some(described_by) id=name>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                {hint.map(|hint| view! { <div class="nhsuk-hint" id=hint_id.clone()>{hint}</div> })}
                {error.clone().map(|(_, message)| view! {
                    <span class="nhsuk-error-message" id=error_id.clone()>
                        <span class="nhsuk-u-visually-hidden">"Error: "</span>{message}
                    </span>
                })}
                <div class="nhsuk-date-input">
                    {item(DateBox::Day, "Day", "2", typed(DateBox::Day, &stored.day))}
                    {item(DateBox::Month, "Month", "2", typed(DateBox::Month, &stored.month))}
                    {item(DateBox::Year, "Year", "4", typed(DateBox::Year, &stored.year))}
                </div>
            </fieldset>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(day: &str, month: &str, year: &str) -> Result<Option<String>, (DateBox, String)> {
        DateParts::new(day, month, year).parse("Date of the change")
    }

    #[test]
    fn a_real_date_is_read_and_an_empty_one_is_none() {
        assert_eq!(parse("2", "7", "2026"), Ok(Some("2026-07-02".into())));
        assert_eq!(parse("29", "Feb", "2024"), Ok(Some("2024-02-29".into())));
        assert_eq!(
            parse("14", "december", "2026"),
            Ok(Some("2026-12-14".into()))
        );
        assert_eq!(parse("", "", ""), Ok(None));
    }

    #[test]
    fn a_whole_date_typed_into_the_day_box_is_understood() {
        assert_eq!(parse("14/12/2026", "", ""), Ok(Some("2026-12-14".into())));
        assert_eq!(parse("2026-12-14", "", ""), Ok(Some("2026-12-14".into())));
    }

    #[test]
    fn messages_name_the_box_to_correct() {
        assert_eq!(
            parse("14", "", "2026"),
            Err((
                DateBox::Month,
                "Date of the change must include a month".into()
            ))
        );
        assert_eq!(
            parse("", "", "2026"),
            Err((
                DateBox::Day,
                "Date of the change must include a day and a month".into()
            ))
        );
        assert_eq!(
            parse("31", "2", "2026"),
            Err((
                DateBox::Day,
                "Date of the change must be a real date".into()
            ))
        );
        assert_eq!(
            parse("1", "13", "2026"),
            Err((
                DateBox::Month,
                "Date of the change must be a real date".into()
            ))
        );
        assert_eq!(
            parse("1", "1", "26"),
            Err((DateBox::Year, "Year must include 4 numbers".into()))
        );
    }

    #[test]
    fn stored_dates_fill_the_boxes() {
        assert_eq!(
            DateParts::from_iso(Some("2026-07-02")),
            DateParts::new("2", "7", "2026")
        );
        assert!(DateParts::from_iso(None).is_empty());
    }
}
