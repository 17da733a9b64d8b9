//! The minimal app's Leptos part without the SDK, for bench/: the same context, signals, memos, views and
//! button as `leptos-minimal`, fed by a timer instead of a Stytch client. Its size minus the bare app's is
//! what Leptos's reactive system costs any app that uses it; the minimal app's size minus this one is
//! what the SDK itself adds.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use std::time::Duration;

    #[derive(Clone, Default, PartialEq)]
    struct Snapshot {
        email: Option<String>,
        from_cache: bool,
    }

    #[derive(Clone)]
    struct State(ArcRwSignal<Snapshot>);

    #[component]
    fn Provider(children: Children) -> impl IntoView {
        let state = ArcRwSignal::new(Snapshot::default());
        let writer = state.clone();
        set_timeout(
            move || {
                writer.set(Snapshot {
                    email: Some("bench@example.com".into()),
                    from_cache: false,
                })
            },
            Duration::from_millis(1),
        );
        on_cleanup(|| ());
        provide_context(State(state));
        children()
    }

    #[component]
    fn MemberEmail() -> impl IntoView {
        let Some(State(s)) = use_context::<State>() else {
            return ().into_any();
        };
        let email = {
            let s = s.clone();
            Memo::new(move |_| s.with(|s| s.email.clone()))
        };
        let from_cache = Memo::new(move |_| s.with(|s| s.from_cache));
        (move || match email.get() {
            Some(e) if !from_cache.get() => {
                view! { <p id="member" data-restored="">{e}</p> }.into_any()
            }
            _ => view! { <p id="member">"…"</p> }.into_any(),
        })
        .into_any()
    }

    #[component]
    fn Tokens() -> impl IntoView {
        let tokens = RwSignal::new(None::<Option<(String, String)>>);
        view! {
            <div>
                <button type="button" on:click=move |_| tokens.set(Some(Some(("t".into(), "j".into()))))>
                    "Get Session Tokens"
                </button>
                {move || match tokens.get() {
                    Some(Some((t, j))) => view! { <dl><dd>{t}</dd><dd>{j}</dd></dl> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
        }
    }

    leptos::mount::mount_to_body(|| view! { <Provider><MemberEmail /><Tokens /></Provider> });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("a browser app: bench/run.sh builds it with Trunk");
}
