//! The update journey's pages: the form, and "Check your answers".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{get_staff_record, preview_update, StaffRecord, UpdatePreview, NOTE_MAX, SUMMARY_MAX};
use crate::{
    components::{loaded, page_title},
    dates::display_date,
    forms::{
        feedback, textarea_text, DateInput, DoneNotice, ErrorSummary, TextArea, TextField,
        TheirVersion,
    },
    layout::StaffNav,
    register::components::StatusTag,
};

fn reference_param() -> String {
    use_params_map()
        .get_untracked()
        .get("reference")
        .unwrap_or_default()
}

/// `/admin/actions/{ref}`: everything about where a recommendation stands, in one form.
#[component]
pub fn StaffRecordPage() -> impl IntoView {
    let reference = reference_param();
    loaded(
        move || get_staff_record(reference.clone()),
        |record| view! { <UpdateForm record /> },
    )
}

#[component]
fn UpdateForm(record: StaffRecord) -> impl IntoView {
    let typed = |field: &str| feedback("update").and_then(|f| f.value(field));
    let chosen = typed("status").unwrap_or_default();
    let status_error = feedback("update").and_then(|f| f.error_for("status"));
    let has_status_error = status_error.is_some();
    let what_we_did = typed("what_we_did").unwrap_or_else(|| record.what_we_did.clone());
    let what_we_did_error = feedback("update").and_then(|f| f.error_for("what_we_did"));
    let has_what_we_did_error = what_we_did_error.is_some();
    let progress = record.progress.map(|p| p.to_string()).unwrap_or_default();
    let revision = typed("revision").unwrap_or_else(|| record.revision.clone());
    let action = format!("/admin/actions/{}/check", record.reference);
    view! {
        <Title text=page_title(format!("Update {}", record.reference)) />
        <StaffNav current="register" />
        <DoneNotice notices=crate::register::NOTICES />
        <ErrorSummary form="update" />
        <TheirVersion form="update" fields=vec![("Status", record.status_name.clone()), ("Summary", record.summary.clone()), ("What we did", record.what_we_did.clone())] />
        <span class="nhsuk-caption-l">{format!("Recommendation {}", record.reference)}</span>
        <h1>{record.title.clone()}</h1>
        <p>
            "Now: "<strong data-test="current-status">{record.status_name.clone()}</strong>
            {format!(" since {}. ", display_date(&record.status_changed))}
            <a href=format!("/actions/{}", record.reference)>"See the public page"</a>
        </p>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <form method="post" action=action novalidate data-test="update-form" data-unsaved-warning="">
                    <input type="hidden" name="revision" value=revision />
                    <h2>"Status"</h2>
                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_status_error>
                        <fieldset class="nhsuk-fieldset" id="status" aria-describedby="status-hint">
                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Has the status changed?"</legend>
                            <div class="nhsuk-hint" id="status-hint">"A status change is added to the public history with its date and note. It can never be edited or removed."</div>
                            {status_error.map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                            <div class="nhsuk-radios">
                                <div class="nhsuk-radios__item">
                                    <input class="nhsuk-radios__input" id="status-keep" name="status" type="radio" value="" checked=chosen.is_empty() />
                                    <label class="nhsuk-label nhsuk-radios__label" for="status-keep">{format!("No, it is still “{}”", record.status_name)}</label>
                                </div>
                                {record.statuses.iter().filter(|s| s.key != record.status_key).map(|s| {
                                    let id = format!("status-{}", s.key);
                                    let hint = format!("{id}-hint");
                                    view! {
                                        <div class="nhsuk-radios__item">
                                            <input class="nhsuk-radios__input" id=id.clone() name="status" type="radio" value=s.key.clone() checked=chosen == s.key aria-describedby=hint.clone() />
                                            <label class="nhsuk-label nhsuk-radios__label" for=id>{s.name.clone()}</label>
                                            <div class="nhsuk-hint nhsuk-radios__hint" id=hint>{s.description.clone()}</div>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <DateInput form="update" name="changed_on" legend="Date of the change" hint="Only for a status change. For example, 27 3 2026." />
                    <TextArea id="note" name="note" label="Public note about the change" hint="Only for a status change: what happened, in plain words. Readers see it in the history." error=feedback("update").and_then(|f| f.error_for("note")) value=typed("note").unwrap_or_default() rows=3 />
                    <p class="nhsuk-body-s candour-meta">{format!("Up to {NOTE_MAX} characters.")}</p>
                    <TextField form="update" name="team" label="Team responsible" value=record.team.clone() />

                    <h2>"Where it stands"</h2>
                    <TextArea id="summary" name="summary" label="Summary" hint="The sentence or two at the top of the public page. Keep it true to the status." error=feedback("update").and_then(|f| f.error_for("summary")) value=typed("summary").unwrap_or_else(|| record.summary.clone()) rows=3 />
                    <p class="nhsuk-body-s candour-meta">{format!("Up to {SUMMARY_MAX} characters.")}</p>
                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_what_we_did_error>
                        <label class="nhsuk-label nhsuk-label--s" for="what_we_did">"What we did"</label>
                        <div class="nhsuk-hint" id="what_we_did-hint">"In plain words; Markdown for lists and links."</div>
                        {what_we_did_error.map(|m| view! { <span class="nhsuk-error-message" id="what_we_did-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                        <textarea class="nhsuk-textarea" id="what_we_did" name="what_we_did" rows="10" aria-describedby="what_we_did-hint">{textarea_text(&what_we_did)}</textarea>
                    </div>
                    <TextField form="update" name="progress" label="Progress, per cent" hint="0 to 100, for work in progress. Leave it empty for a decision (done, partly done, not taken forward)." value=progress width="3" />
                    <DateInput form="update" name="target" legend="Target date" hint="When the work should be finished, if there is a date. Leave it empty for a decision." value=record.target.clone().unwrap_or_default() />
                    <button class="nhsuk-button" type="submit" data-test="continue">"Continue"</button>
                </form>
            </div>
        </div>
    }
}

/// `/admin/actions/{ref}/check`: the update as the public will see it, with the form's
/// values kept in hidden fields, to record or to go back and change.
#[component]
pub fn CheckUpdatePage() -> impl IntoView {
    let reference = reference_param();
    let Some(values) = feedback("update").map(|f| f.values) else {
        return view! {
            <Title text=page_title("Check your answers") />
            <h1>"There is nothing to check"</h1>
            <p><a href=format!("/admin/actions/{reference}")>"Start the update again"</a></p>
        }
        .into_any();
    };
    let hidden = values.clone();
    loaded(
        move || preview_update(reference.clone(), values.clone()),
        move |preview| view! { <CheckUpdate preview hidden=hidden.clone() /> },
    )
    .into_any()
}

#[component]
fn CheckUpdate(
    preview: UpdatePreview,
    hidden: std::collections::BTreeMap<String, String>,
) -> impl IntoView {
    let reference = preview.reference.clone();
    view! {
        <Title text=page_title(format!("Check your update to {reference}")) />
        <StaffNav current="register" />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <span class="nhsuk-caption-l">{format!("Recommendation {reference}")}</span>
                <h1>"Check your update before recording it"</h1>
                {preview.status_changes.then(|| view! {
                    <div class="nhsuk-warning-callout" data-test="permanent-warning">
                        <h2 class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">"Important: "</span>"A status change is permanent"</h2>
                        <p>{format!("“{}” on {} will be added to the public history with its note. It can never be edited or removed.", preview.status_name, display_date(&preview.changed_on))}</p>
                    </div>
                })}
                <h2>"The public page will show"</h2>
                <div class="candour-preview" data-test="update-preview">
                    <p class="nhsuk-lede-text">{preview.summary.clone()}</p>
                    <dl class="nhsuk-summary-list">
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">"Status"</dt>
                            <dd class="nhsuk-summary-list__value"><StatusTag key=preview.status_key.clone() name=preview.status_name.clone() /></dd>
                        </div>
                        {match (preview.decided_on.clone(), preview.progress) {
                            (Some(day), _) => view! {
                                <div class="nhsuk-summary-list__row">
                                    <dt class="nhsuk-summary-list__key">"Decision"</dt>
                                    <dd class="nhsuk-summary-list__value">{format!("Decision made on {}", display_date(&day))}</dd>
                                </div>
                            }.into_any(),
                            (None, Some(progress)) => view! {
                                <div class="nhsuk-summary-list__row">
                                    <dt class="nhsuk-summary-list__key">"Progress"</dt>
                                    <dd class="nhsuk-summary-list__value">{format!("{progress}% complete")}</dd>
                                </div>
                            }.into_any(),
                            (None, None) => ().into_any(),
                        }}
                        {preview.target.clone().map(|target| view! {
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Target date"</dt>
                                <dd class="nhsuk-summary-list__value">{display_date(&target)}</dd>
                            </div>
                        })}
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">"Team responsible"</dt>
                            <dd class="nhsuk-summary-list__value">{preview.team.clone()}</dd>
                        </div>
                        {preview.status_changes.then(|| view! {
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"New history entry"</dt>
                                <dd class="nhsuk-summary-list__value">{format!("{}: {}", display_date(&preview.changed_on), preview.note)}</dd>
                            </div>
                        })}
                    </dl>
                    <h3>"What we did"</h3>
                    <div class="candour-prose" inner_html=preview.what_we_did.as_str().to_owned()></div>
                </div>
                <form method="post" action=format!("/admin/actions/{reference}/update") novalidate data-test="confirm-form">
                    {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
                    <button class="nhsuk-button" type="submit" data-test="record-update">
                        {if preview.status_changes { "Record the status change and update" } else { "Save the update" }}
                    </button>
                    " "
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit" formaction=format!("/admin/actions/{reference}") data-test="change-update">"Go back and change"</button>
                </form>
            </div>
        </div>
    }
}
