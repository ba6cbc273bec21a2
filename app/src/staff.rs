//! The staff home, `/admin`: put together here from each feature's panel (reviews waiting
//! for answers, overdue and recently changed recommendations, drafts), as the route table
//! puts pages together.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    accounts::get_staff_viewer,
    components::{loaded, page_title},
    layout::StaffNav,
    policies::admin_pages::PoliciesPanel,
    register::dashboard::RegisterPanel,
    reports::admin_pages::ReportsPanel,
};

#[component]
pub fn StaffHomePage() -> impl IntoView {
    loaded(get_staff_viewer, |viewer| {
        view! {
            <Title text=page_title("Staff home") />
            <StaffNav current="home" />
            <h1>"Staff home"</h1>
            <p class="nhsuk-lede-text">{format!("What needs doing now, {}.", viewer.display_name)}</p>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-one-half">
                    <PoliciesPanel />
                    <ReportsPanel />
                </div>
                <div class="nhsuk-grid-column-one-half">
                    <RegisterPanel />
                </div>
            </div>
        }
    })
}
