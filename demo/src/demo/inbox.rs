//! The emulator's outbox (`GET /emulator/v1/messages`), standing in for the user's mailbox and phone.

use gloo_net::http::Request;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use super::{API_URL, InboxRefresh};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Message {
    message_id: String,
    to: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize)]
struct Messages {
    messages: Vec<Message>,
}

async fn load() -> Result<Vec<Message>, String> {
    let resp = Request::get(&format!("{API_URL}/emulator/v1/messages"))
        .send()
        .await
        .map_err(|_| format!("The emulator at {API_URL} is not answering."))?;
    let body: Messages = resp.json().await.map_err(|e| e.to_string())?;
    Ok(body.messages)
}

#[component]
pub fn Inbox() -> impl IntoView {
    let refresh = expect_context::<InboxRefresh>().0;
    let messages = RwSignal::new(Ok::<Vec<Message>, String>(Vec::new()));
    let reload = move || {
        spawn_local(async move {
            messages.set(load().await);
        });
    };
    Effect::new(move |_| {
        refresh.track();
        reload();
    });
    // New mail from another tab or a test shows up within a few seconds.
    let handle = set_interval_with_handle(reload, std::time::Duration::from_secs(3)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });

    view! {
        <div class="card inbox" id="inbox">
            <div class="inbox-head">
                <h2>"Inbox"</h2>
                <button id="inbox-refresh" type="button" class="stytch-button small" on:click=move |_| reload()>"Refresh"</button>
            </div>
            <p class="muted">"Emails and text messages the emulator would have sent."</p>
            {move || match messages.get() {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted" id="inbox-empty">"No messages yet."</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="messages">
                        {list.into_iter().map(|m| view! {
                            <li class="message" data-message-id=m.message_id>
                                <div class="message-to">{m.to}</div>
                                <div class="message-subject">{if m.kind == "sms" { "Text message".to_owned() } else { m.subject }}</div>
                                {m.link.map(|href| view! { <a class="message-link stytch-button small" href=href>"Open link"</a> })}
                                {m.code.map(|c| view! { <code class="message-code">{c}</code> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}
