//! The report editor: `/admin/reports` (all reports, any state) and the form to write one,
//! with a preview rendered by the same code as the public page and plain-language help.
//! Without JavaScript the Preview button posts the form; with it, the preview follows the
//! typing.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    editing::{EditorData, Preview},
    editor_api::{get_editor_reports, get_report_editor, preview_report},
    kind_label,
    readability::{describe_reading_ease, Readability},
    DiffKind, KINDS,
};
use crate::{
    components::{loaded, page_title},
    dates::display_time,
    forms::{feedback, textarea_text, DateInput, DoneNotice, ErrorSummary, TextField},
    layout::StaffNav,
};

#[component]
pub fn AdminReportsPage() -> impl IntoView {
    loaded(get_editor_reports, |reports| {
        view! {
            <Title text=page_title("Write and publish reports") />
            <StaffNav current="reports" />
            <DoneNotice notices=super::NOTICES />
            <h1>"Write and publish reports"</h1>
            <p><a class="nhsuk-button" href="/admin/reports/new" data-test="new-report">"Write a new report"</a></p>
            <table class="nhsuk-table-responsive" data-test="editor-reports">
                <thead class="nhsuk-table__head"><tr>
                    <th scope="col">"Title"</th><th scope="col">"Type"</th><th scope="col">"State"</th><th scope="col">"Last updated"</th>
                </tr></thead>
                <tbody class="nhsuk-table__body">
                    {reports.into_iter().map(|r| view! {
                        <tr class="nhsuk-table__row" data-test="editor-report">
                            <td class="nhsuk-table__cell"><a href=format!("/admin/reports/{}", r.id)>{r.title.clone()}</a></td>
                            <td class="nhsuk-table__cell">{kind_label(&r.kind)}</td>
                            <td class="nhsuk-table__cell"><StateTag state=r.state.clone() /></td>
                            <td class="nhsuk-table__cell">{display_time(&r.updated_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
fn StateTag(state: String) -> impl IntoView {
    let (class, label) = match state.as_str() {
        "published" => ("nhsuk-tag nhsuk-tag--green", "Published"),
        "withdrawn" => ("nhsuk-tag nhsuk-tag--red", "Withdrawn"),
        _ => ("nhsuk-tag nhsuk-tag--grey", "Draft"),
    };
    view! { <strong class=class data-test="report-state">{label}</strong> }
}

#[component]
pub fn ReportEditorPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|id| id.parse::<i64>().ok());
    let posted = feedback("report").map(|f| f.values);
    let conflict = feedback("report").is_some_and(|f| f.error_for("version").is_some());
    loaded(
        move || get_report_editor(id, posted.clone(), conflict),
        |data| view! { <Editor data /> },
    )
}

#[component]
fn Editor(data: EditorData) -> impl IntoView {
    let EditorData {
        id,
        form,
        state,
        withdrawn_note,
        updated_at,
        slug_locked,
        kept_at,
        conflict,
        preview,
        values,
        priorities,
        may_publish,
    } = data;
    let action = match id {
        Some(id) => format!("/admin/reports/{id}"),
        None => "/admin/reports/new".to_owned(),
    };
    let heading = if id.is_some() {
        "Edit report"
    } else {
        "Write a new report"
    };
    let published = state == "published";
    let error = |field: &str| feedback("report").and_then(|f| f.error_for(field));
    let checkbox_group = |name: &'static str,
                          legend: &'static str,
                          options: Vec<(String, String)>,
                          chosen: Vec<String>| {
        view! {
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=error(name).is_some()>
                <fieldset class="nhsuk-fieldset" id=name>
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                    {error(name).map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                    <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                        {options.into_iter().map(|(slug, label)| {
                            let input_id = format!("{name}-{slug}");
                            view! {
                                <div class="nhsuk-checkboxes__item">
                                    <input class="nhsuk-checkboxes__input" id=input_id.clone() name=name type="checkbox" value=slug.clone() checked=chosen.contains(&slug) />
                                    <label class="nhsuk-label nhsuk-checkboxes__label" for=input_id>{label}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
        }
    };
    let kind_error = error("kind");
    let summary_error = error("summary");
    let body_error = error("body");
    view! {
        <Title text=page_title(heading) />
        <StaffNav current="reports" />
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="report" />
        <ErrorSummary form="withdraw" />
        <p><a class="nhsuk-back-link__link" href="/admin/reports">"All reports"</a></p>
        <h1>{heading}</h1>
        <p data-test="editor-state">
            <StateTag state=state.clone() />
            {updated_at.map(|at| format!(" Last saved {}.", display_time(&at)))}
            {published.then(|| view! { " " <a href=format!("/reports/{}", form.slug)>"See the public page"</a> })}
        </p>
        {kept_at.map(|at| view! {
            <div class="nhsuk-warning-callout" data-test="kept-text">
                <h2 class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">"Important: "</span>"We kept your text"</h2>
                <p>{format!("Your session ended while you were saving this report, so we kept what you had written ({}). It is in the form below. Check it, then save it.", display_time(&at))}</p>
                <form method="post" action="/admin/reports/discard-kept">
                    <input type="hidden" name="page" value=action.clone() />
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">"Discard it and show the saved version"</button>
                </form>
            </div>
        })}
        {conflict.map(|c| view! {
            <section class="nhsuk-warning-callout" aria-labelledby="conflict-heading" data-test="conflict">
                <h2 class="nhsuk-warning-callout__label" id="conflict-heading">"Someone else saved this report"</h2>
                <p>{format!("Their version was saved {}. Their title: “{}”. Their summary: “{}”.", display_time(&c.saved_at), c.title, c.summary)}</p>
                <p>"Lines only in their version are marked as removed; lines only in yours as added."</p>
                <pre class="candour-diff" data-test="conflict-diff">
                    {c.diff.into_iter().map(|line| {
                        let (class, sign, label) = match line.kind {
                            DiffKind::Added => ("candour-diff__added", "+ ", "Only in yours: "),
                            DiffKind::Removed => ("candour-diff__removed", "- ", "Only in theirs: "),
                            DiffKind::Same => ("candour-diff__same", "  ", ""),
                        };
                        view! { <span class=class><span class="nhsuk-u-visually-hidden">{label}</span><span aria-hidden="true">{sign}</span>{line.text}"\n"</span> }
                    }).collect_view()}
                </pre>
            </section>
        })}
        <form method="post" action=action.clone() novalidate data-test="report-form" data-unsaved-warning="">
            <crate::forms::IdempotencyKey form="report" />
            <input type="hidden" name="version" value=form.version.to_string() />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <TextField form="report" name="title" label="Title" value=form.title.clone() />
                    {if slug_locked {
                        view! {
                            <input type="hidden" name="slug" value=form.slug.clone() />
                            <p class="nhsuk-body-s">"Web address: /reports/"{form.slug.clone()}" (fixed once published, so links keep working)"</p>
                        }.into_any()
                    } else {
                        view! { <TextField form="report" name="slug" label="Web address (optional)" hint="The last part of the report's address, like 2026-q2-summary. Left empty, it is made from the title." value=form.slug.clone() /> }.into_any()
                    }}
                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=kind_error.is_some()>
                        <label class="nhsuk-label" for="kind">"Type of report"</label>
                        {kind_error.clone().map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                        <select class="nhsuk-select" id="kind" name="kind">
                            {KINDS.iter().map(|(key, label)| view! { <option value=*key selected=form.kind == *key>{*label}</option> }).collect_view()}
                        </select>
                    </div>
                    <TextField form="report" name="quarter" label="Quarter (quarterly summaries only)" hint="Like 2026 Q2" value=form.quarter.clone() width="10" />
                    <DateInput form="report" name="date" legend="Date of the report" hint="For example, 30 6 2026." value=form.date.clone() />
                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=summary_error.is_some()>
                        <label class="nhsuk-label" for="summary">"Summary"</label>
                        <div class="nhsuk-hint" id="summary-hint">"Plain text, 300 characters or fewer. Shown in lists and feeds."</div>
                        {summary_error.clone().map(|m| view! { <span class="nhsuk-error-message" id="summary-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                        <textarea class="nhsuk-textarea" id="summary" name="summary" rows="3" aria-describedby="summary-hint">{textarea_text(&form.summary)}</textarea>
                    </div>
                </div>
            </div>
            <BodyEditor label="The report".to_owned() initial=form.body.clone() preview=preview error=body_error />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <TextField form="report" name="recommendations" label="Recommendations this report is about (optional)" hint="References separated by commas, like PP-17, DCF-3" value=form.recommendations.clone() />
                    {checkbox_group("values", "Core values (optional)", values, form.values.clone())}
                    {checkbox_group("priorities", "Research priorities (optional)", priorities, form.priorities.clone())}
                    {(published || state == "withdrawn").then(|| view! {
                        <TextField form="report" name="change_note" label="What changed" hint="Readers see this note in the report's history, like “Corrected the number of panel members.”" value=form.change_note.clone() />
                    })}
                    <div class="nhsuk-button-group candour-button-group">
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="action" value="preview" data-test="preview-button">"Preview"</button>
                        {(!published).then(|| view! { <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="action" value="save" data-test="save-draft">"Save draft"</button> })}
                        {may_publish.then(|| view! {
                            <button class="nhsuk-button" type="submit" name="action" value="publish" data-test="publish">
                                {if published { "Publish changes" } else { "Publish" }}
                            </button>
                        })}
                    </div>
                </div>
            </div>
        </form>
        {(published && may_publish && id.is_some()).then(|| view! { <WithdrawForm id=id.unwrap_or_default() /> })}
        {withdrawn_note.map(|note| view! { <p data-test="withdrawn-note">"Withdrawn: "{note}</p> })}
    }
}

#[component]
fn WithdrawForm(id: i64) -> impl IntoView {
    view! {
        <details class="nhsuk-details">
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Withdraw this report"</span></summary>
            <div class="nhsuk-details__text">
                <p>"The report's page stays, with your reason instead of the report. Its history stays too."</p>
                <form method="post" action=format!("/admin/reports/{id}/withdraw") novalidate>
                    <TextField form="withdraw" name="reason" label="Why it is withdrawn" hint="Readers see this, like “Replaced by the 2026 Q3 summary, which corrects the figures.”" />
                    <button class="nhsuk-button nhsuk-button--warning" type="submit" data-test="withdraw">"Withdraw report"</button>
                </form>
            </div>
        </details>
    }
}

/// The Markdown box with its preview and plain-language help. Without JavaScript this is
/// plain HTML inside the form; with it, the preview and figures follow the typing.
#[island]
pub fn BodyEditor(
    label: String,
    initial: String,
    preview: Preview,
    error: Option<String>,
) -> impl IntoView {
    let (current, set_current) = signal(preview);
    let (status, set_status) = signal(String::new());
    let generation = StoredValue::new(0_u64);
    let on_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.get_value() != mine {
                    return;
                }
                leptos::task::spawn_local(async move {
                    match preview_report(text).await {
                        Ok(fresh) if generation.get_value() == mine => {
                            set_current.set(fresh);
                            set_status.set("Preview updated.".to_owned());
                        }
                        Ok(_) => {}
                        Err(_) => set_status.set(
                            "The preview could not be updated. Your text is safe: press Preview or save.".to_owned(),
                        ),
                    }
                });
            },
            std::time::Duration::from_millis(500),
        );
    };
    let has_error = error.is_some();
    view! {
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_error>
                    <label class="nhsuk-label" for="body">{label}</label>
                    <div class="nhsuk-hint" id="body-hint">"Markdown: ## for a heading, * for a bullet, [words](address) for a link. Raw HTML is shown as text."</div>
                    {error.map(|m| view! { <span class="nhsuk-error-message" id="body-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                    <textarea class="nhsuk-textarea candour-editor__body" id="body" name="body" rows="20" aria-describedby="body-hint" on:input=on_input data-test="body">{textarea_text(&initial)}</textarea>
                </div>
            </div>
            <div class="nhsuk-grid-column-one-third">
                <PlainLanguageHelp help=Signal::derive(move || current.get().help) />
            </div>
        </div>
        <p class="nhsuk-u-visually-hidden" role="status" data-test="preview-status">{status}</p>
        <section class="candour-preview" aria-labelledby="preview-heading" data-test="preview">
            <h2 id="preview-heading">"Preview"</h2>
            <div class="candour-report-body" inner_html=move || current.get().html.into_inner()></div>
        </section>
    }
}

#[component]
fn PlainLanguageHelp(help: Signal<Readability>) -> impl IntoView {
    view! {
        <aside class="nhsuk-card candour-help" aria-labelledby="help-heading" data-test="plain-language-help">
            <div class="nhsuk-card__content">
                <h2 class="nhsuk-card__heading nhsuk-heading-s" id="help-heading">"Plain language"</h2>
                {move || {
                    let h = help.get();
                    view! {
                        <dl class="nhsuk-summary-list candour-help__figures">
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Reading ease"</dt>
                                <dd class="nhsuk-summary-list__value" data-test="reading-ease">
                                    {h.flesch_reading_ease.map_or("–".to_owned(), |s| format!("{:.0} ({})", s, describe_reading_ease(s)))}
                                </dd>
                            </div>
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Reading age"</dt>
                                <dd class="nhsuk-summary-list__value" data-test="reading-age">{h.reading_age.map_or("–".to_owned(), |a| format!("{a} years"))}</dd>
                            </div>
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Words"</dt>
                                <dd class="nhsuk-summary-list__value" data-test="word-count">{h.words}</dd>
                            </div>
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Reading time"</dt>
                                <dd class="nhsuk-summary-list__value">{format!("{} min", h.reading_minutes)}</dd>
                            </div>
                        </dl>
                        <p class="nhsuk-body-s">"Aim for a reading ease of 60 or more and a reading age of 12 or less: most people read health information more easily at that level."</p>
                        <h3 class="nhsuk-heading-xs">{format!("Sentences over 25 words: {}", h.long_sentences.len())}</h3>
                        <ul class="nhsuk-list candour-help__long" data-test="long-sentences">
                            {h.long_sentences.into_iter().map(|s| view! {
                                <li><mark>{s.text}</mark>{format!(" ({} words)", s.words)}</li>
                            }).collect_view()}
                        </ul>
                        <h3 class="nhsuk-heading-xs">{format!("Words with a plainer alternative: {}", h.jargon.len())}</h3>
                        <ul class="nhsuk-list" data-test="jargon">
                            {h.jargon.into_iter().map(|j| view! {
                                <li><strong>{j.word}</strong>{format!(" ({}×): try “{}”", j.count, j.plain)}</li>
                            }).collect_view()}
                        </ul>
                    }
                }}
            </div>
        </aside>
    }
}

/// The reports' part of the staff home: drafts not yet published.
#[component]
pub fn ReportsPanel() -> impl IntoView {
    loaded(get_editor_reports, |reports| {
        let drafts: Vec<_> = reports.into_iter().filter(|r| r.state == "draft").collect();
        view! {
            <section aria-labelledby="draft-reports-heading" data-test="draft-reports">
                <h2 id="draft-reports-heading">"Draft reports"</h2>
                {if drafts.is_empty() {
                    view! { <p>"No report is being drafted."</p> }.into_any()
                } else {
                    view! {
                        <ul class="nhsuk-list nhsuk-list--bullet">
                            {drafts.into_iter().map(|r| view! {
                                <li><a href=format!("/admin/reports/{}", r.id)>{r.title.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
    })
}
