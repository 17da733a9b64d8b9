//! The end states: the Error and Success screens.

use super::*;

#[component]
pub(super) fn ErrorScreen(kind: ErrorKind, can_go_back: bool) -> impl IntoView {
    let ctx = use_ctx();
    let back_ctx = ctx.clone();
    view! {
        <Title text=ctx.t("error.title") />
        <p class="st-text" role="alert" id="st-error">{ctx.t(kind.string_id())}</p>
        {can_go_back.then(|| view! {
            <button type="button" class="st-button st-secondary" id="st-back" on:click=move |_| back_ctx.reset(Screen::Main)>
                {back_ctx.t("button.goBack")}
            </button>
        })}
    }
}

#[component]
pub(super) fn Success() -> impl IntoView {
    let ctx = use_ctx();
    let callbacks = ctx.callbacks;
    Effect::new(move |_| {
        callbacks.event(
            StytchEventType::AuthenticateFlowComplete,
            &serde_json::json!({}),
        );
    });
    view! {
        <div class="st-success" aria-hidden="true">"✓"</div>
        <Title text=ctx.t("success.title") />
        <p class="st-text st-center">{ctx.t("login.success.content")}</p>
    }
}
