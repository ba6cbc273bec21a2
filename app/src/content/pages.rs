//! Staff pages for the site's fixed content.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    get_content_editor, get_content_list, get_glossary_editor, public_path, ContentEditor,
    GlossaryEditor, KINDS, NOTE_MAX, SUMMARY_MAX,
};
use crate::{
    components::{loaded, page_title},
    forms::{feedback, DoneNotice, ErrorSummary, TextArea, TextField, TheirVersion},
    layout::StaffNav,
    reports::admin_pages::BodyEditor,
};

/// `/admin/content`: the values, priorities, pages and glossary, each to edit.
#[component]
pub fn ContentListPage() -> impl IntoView {
    loaded(get_content_list, |items| {
        view! {
            <Title text=page_title("Values, priorities and pages") />
            <StaffNav current="content" />
            <DoneNotice notices=super::NOTICES />
            <h1>"Values, priorities and pages"</h1>
            <p>"Everything here is public. Each save is kept as a revision, and the public page changes at once."</p>
            {KINDS.iter().map(|(kind, _, part, label)| {
                let mine: Vec<_> = items.iter().filter(|i| i.kind == *kind).cloned().collect();
                view! {
                    <h2>{*label}</h2>
                    <ul class="nhsuk-list nhsuk-list--bullet" data-test=format!("content-{part}")>
                        {mine.into_iter().map(|item| view! {
                            <li>
                                <a href=format!("/admin/{part}/{}", item.key)>{item.title.clone()}</a>
                                {(item.revisions > 0).then(|| format!(" ({} saved here)", item.revisions))}
                            </li>
                        }).collect_view()}
                    </ul>
                    {(*kind != "page").then(|| view! {
                        <p><a href=format!("/admin/{part}/new")>{format!("Add to {}", label.to_lowercase())}</a></p>
                    })}
                }
            }).collect_view()}
            <h2>"Glossary"</h2>
            <p><a href="/admin/glossary">"Edit the plain-language glossary"</a>" (the words the editors' help suggests plainer words for)"</p>
        }
    })
}

/// `/admin/{part}/{slug}` and `/admin/{part}/new`, for `part` values, priorities or pages.
#[component]
pub fn ContentEditorPage(part: &'static str) -> impl IntoView {
    let key = use_params_map()
        .get_untracked()
        .get("slug")
        .filter(|k| k != "new");
    loaded(
        move || get_content_editor(part.to_owned(), key.clone()),
        move |editor| view! { <ContentForm part editor /> },
    )
}

#[component]
fn ContentForm(part: &'static str, editor: ContentEditor) -> impl IntoView {
    let typed = |field: &str| feedback("content").and_then(|f| f.value(field));
    let error = |field: &str| feedback("content").and_then(|f| f.error_for(field));
    let (title_label, summary_label) = if editor.kind == "page" {
        ("Title", "Summary")
    } else {
        ("Name", "Statement")
    };
    let heading = match &editor.key {
        Some(_) => format!("Edit {}", editor.title),
        None => "Add a new one".to_owned(),
    };
    let action = format!(
        "/admin/{part}/{}",
        editor.key.clone().unwrap_or_else(|| "new".to_owned())
    );
    let body = typed("body").unwrap_or_else(|| editor.body.clone());
    view! {
        <Title text=page_title(heading.clone()) />
        <StaffNav current="content" />
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="content" />
        <TheirVersion form="content" fields=vec![(title_label, editor.title.clone()), (summary_label, editor.summary.clone()), ("The text", editor.body.clone())] />
        <h1>{heading}</h1>
        {editor.key.clone().map(|key| view! {
            <p>
                <a href=public_path(&editor.kind, &key)>"See the public page"</a>
                {format!(" · saved here {} time{}", editor.revisions, if editor.revisions == 1 { "" } else { "s" })}
            </p>
        })}
        <form method="post" action=action novalidate data-test="content-form" data-unsaved-warning="">
            <input type="hidden" name="revision" value=typed("revision").unwrap_or_else(|| editor.revision.clone()) />
            {editor.key.is_none().then(|| view! { <crate::forms::IdempotencyKey form="content" /> })}
            <TextField form="content" name="title" label=title_label value=editor.title.clone() />
            {editor.key.is_none().then(|| view! {
                <TextField form="content" name="slug" label="Web address (optional)" hint="Lowercase words joined by hyphens. Left empty, it is made from the name." />
            })}
            <TextArea id="summary" name="summary" label=summary_label hint="A sentence or two, shown in lists and at the top of the page." error=error("summary") value=typed("summary").unwrap_or_else(|| editor.summary.clone()) rows=3 />
            <p class="nhsuk-body-s candour-meta">{format!("Up to {SUMMARY_MAX} characters.")}</p>
            <BodyEditor label="The text".to_owned() initial=body preview=editor.preview.clone() error=error("body") />
            <TextField form="content" name="note" label="What changed (optional)" hint="For the record of revisions, like “Added the new phone number”." />
            <p class="nhsuk-body-s candour-meta">{format!("Up to {NOTE_MAX} characters.")}</p>
            <div class="nhsuk-button-group">
                <button class="nhsuk-button" type="submit" name="action" value="save" data-test="save-content">"Save and publish"</button>
                <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="action" value="preview" data-test="preview-content">"Preview"</button>
            </div>
        </form>
    }
}

/// `/admin/glossary`: a term a line.
#[component]
pub fn GlossaryEditorPage() -> impl IntoView {
    loaded(
        get_glossary_editor,
        |editor| view! { <GlossaryForm editor /> },
    )
}

#[component]
fn GlossaryForm(editor: GlossaryEditor) -> impl IntoView {
    let typed = |field: &str| feedback("glossary").and_then(|f| f.value(field));
    view! {
        <Title text=page_title("Plain-language glossary") />
        <StaffNav current="content" />
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="glossary" />
        <TheirVersion form="glossary" fields=vec![("Terms", editor.text.clone())] />
        <h1>"Plain-language glossary"</h1>
        <p>"The editors' plain-language help suggests a plainer word for each word here. One a line: the word, an equals sign, then the plainer words."</p>
        <form method="post" action="/admin/glossary" novalidate data-test="glossary-form" data-unsaved-warning="">
            <input type="hidden" name="revision" value=typed("revision").unwrap_or_else(|| editor.revision.clone()) />
            <TextArea id="text" name="text" label="Terms" hint="For example: utilise = use" error=feedback("glossary").and_then(|f| f.error_for("text")) value=typed("text").unwrap_or_else(|| editor.text.clone()) rows=20 />
            <button class="nhsuk-button" type="submit" data-test="save-glossary">"Save"</button>
        </form>
    }
}
