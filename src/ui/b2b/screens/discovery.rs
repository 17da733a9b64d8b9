//! The organizations a Discovery sign-in found.

use super::*;

/// Enters a discovered organization: exchanges the intermediate session, or opens its Main screen when
/// it wants another primary method first.
pub(super) fn enter_organization(
    ctx: &Ctx,
    discovered: &DiscoveredOrganization,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
) {
    match flow::discovery_choice(discovered) {
        DiscoveryChoice::PrimaryRequired(methods) => {
            ctx.organization.set(Some(discovered.organization.clone()));
            ctx.primary_required.set(Some(methods));
            ctx.reset(Screen::Main);
        }
        DiscoveryChoice::Exchange => {
            let client = ctx.client.clone();
            let request = ExchangeRequest {
                organization_id: discovered.organization.organization_id.clone(),
                session_duration_minutes: ctx.session_minutes(),
                locale: None,
            };
            let done = ctx.clone();
            ctx.run(
                busy,
                alert,
                async move {
                    client
                        .discovery()
                        .intermediate_sessions()
                        .exchange(request)
                        .await
                },
                move |resp| {
                    done.callbacks
                        .event(StytchEventType::DiscoveryIntermediateSessionExchange, &resp);
                    done.finish_primary(&resp);
                },
            );
        }
    }
}

#[component]
pub(super) fn Discovery(
    email: String,
    organizations: Vec<DiscoveredOrganization>,
) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    if organizations.is_empty() {
        let retry_ctx = ctx.clone();
        return view! {
            <Title text=ctx.t("organizationDiscovery.noOrgs.title") />
            <TextWith id="organizationDiscovery.noOrgs.content" name="email" value=email />
            <button type="button" class="st-button st-secondary" id="st-try-another" on:click=move |_| retry_ctx.reset(Screen::Main)>
                {ctx.t("button.tryDifferentEmailAddress")}
            </button>
        }
        .into_any();
    }
    let rows = organizations
        .into_iter()
        .map(|discovered| {
            let org = &discovered.organization;
            let name = org.organization_name.clone();
            let slug = org.organization_slug.clone();
            let logo = Some(org.organization_logo_url.clone()).filter(|l| !l.is_empty());
            let initial: String = name.chars().take(1).flat_map(char::to_uppercase).collect();
            let badge = flow::membership_badge(&discovered.membership.kind).map(|id| ctx.t(id));
            let click_ctx = ctx.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="st-button st-secondary st-org"
                        data-organization-slug=slug
                        disabled=move || busy.get()
                        on:click=move |_| enter_organization(&click_ctx, &discovered, busy, alert)
                    >
                        {match logo {
                            Some(src) => view! { <img class="st-org-logo" src=src alt="" /> }.into_any(),
                            None => view! { <span class="st-org-initial" aria-hidden="true">{initial}</span> }.into_any(),
                        }}
                        <span class="st-org-name">{name}</span>
                        {badge.map(|b| view! { <span class="st-badge">{b}</span> })}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=ctx.t("organizationDiscovery.title") />
        <ul class="st-orgs" id="st-organizations">{rows}</ul>
        <Alert alert=alert />
    }
    .into_any()
}
