//! Organizations, members, self-service and RBAC: every client method against the real emulator,
//! in-process. An admin allowed and a plain member denied (403) for the same call, and the local
//! `rbac().is_authorized` agreeing with the server's verdict.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::sync::{Arc, Mutex};

use leptos_stytch::core::platform::Method;
use leptos_stytch::{
    CreateMemberRequest, EmailInviteRequest, MagicLinksAuthenticateRequest, MemberSearchFilter,
    SearchMembersRequest, SearchQuery, SelfStartEmailUpdateRequest, SelfUnlinkRetiredEmailRequest,
    StartEmailUpdateRequest, StytchB2BClient, StytchB2BOptions, StytchError,
    UnlinkRetiredEmailRequest, UpdateMemberRequest, UpdateOrganizationRequest, UpdateSelfRequest,
};
use serde_json::json;
use stytch_emulator::Seed;
use support::*;

const DENIED: (u16, &str) = (403, "session_authorization_error");

fn denied<T: std::fmt::Debug>(r: Result<T, StytchError>) {
    let (s, t) = api_error(r);
    assert_eq!((s, t.as_str()), DENIED);
}

/// Acme with an admin, a plain member and a `member_reader` (custom role: `stytch.member` /
/// `search` and `docs` / `read`); Globex as in the shared seed.
fn admin_seed() -> Seed {
    serde_json::from_value(json!({
        "allowed_origins": [ORIGIN],
        "redirect_urls": [REDIRECT],
        "rbac_policy": {
            "roles": [{"role_id": "member_reader", "description": "reads members",
                       "permissions": [{"resource_id": "stytch.member", "actions": ["search"]},
                                       {"resource_id": "docs", "actions": ["read"]}]}],
            "resources": [{"resource_id": "docs", "description": "documents", "actions": ["read", "write"]}]
        },
        "organizations": [
            {"organization_id": ORG_ID, "organization_name": "Acme", "organization_slug": "acme",
             "email_allowed_domains": ["example.com"], "email_jit_provisioning": "RESTRICTED",
             "email_invites": "ALL_ALLOWED",
             "members": [
                {"email_address": "admin@example.com", "name": "Ada Admin", "roles": ["stytch_admin"]},
                {"email_address": "member@example.com", "name": "Mo Member"},
                {"email_address": "reader@example.com", "name": "Rita Reader", "roles": ["member_reader"]}
             ]},
            {"organization_id": OTHER_ORG_ID, "organization_name": "Globex", "organization_slug": "globex",
             "email_jit_provisioning": "NOT_ALLOWED",
             "members": [{"email_address": "bob@globex.test", "name": "Bob"}]}
        ]
    }))
    .expect("seed")
}

async fn harness() -> Harness {
    Harness::with_seed(admin_seed(), StytchB2BOptions::default()).await
}

/// Another browser (own cookies and storage) on the same emulator.
fn other_client(h: &Harness) -> StytchB2BClient {
    Harness::client_on(
        &h.emulator,
        &h.transport,
        &Arc::new(MemoryStore::default()),
        &h.runtime,
        StytchB2BOptions::default(),
    )
}

/// Logs `client` in as `email` (Acme) through a magic link.
async fn login_as(h: &Harness, client: &StytchB2BClient, email: &str) {
    client
        .magic_links()
        .email()
        .login_or_signup(leptos_stytch::EmailLoginOrSignupRequest {
            email_address: email.to_owned(),
            organization_id: ORG_ID.to_owned(),
            ..Default::default()
        })
        .await
        .expect("login_or_signup");
    follow_link(h, client, email).await;
}

/// Authenticates the newest link sent to `email`.
async fn follow_link(h: &Harness, client: &StytchB2BClient, email: &str) {
    let msg = h.last_message(email).await;
    let token = msg["token"].as_str().expect("token").to_owned();
    client
        .magic_links()
        .authenticate(MagicLinksAuthenticateRequest {
            magic_links_token: token,
            ..Default::default()
        })
        .await
        .expect("authenticate");
}

/// (admin client, plain member client, reader client), all logged in.
async fn three(h: &Harness) -> (StytchB2BClient, StytchB2BClient, StytchB2BClient) {
    let admin = h.client.clone();
    login_as(h, &admin, "admin@example.com").await;
    let member = other_client(h);
    login_as(h, &member, "member@example.com").await;
    let reader = other_client(h);
    login_as(h, &reader, "reader@example.com").await;
    settle().await;
    (admin, member, reader)
}

fn member_id(c: &StytchB2BClient) -> String {
    c.self_().get_sync().expect("logged in").member_id
}

async fn find(c: &StytchB2BClient, email: &str) -> leptos_stytch::Member {
    c.organization()
        .members()
        .search(SearchMembersRequest {
            query: Some(SearchQuery::all(vec![
                MemberSearchFilter::MemberEmails(vec![email.to_owned()]),
                MemberSearchFilter::Statuses(vec![
                    "active".into(),
                    "pending".into(),
                    "invited".into(),
                    "deleted".into(),
                ]),
            ])),
            ..Default::default()
        })
        .await
        .expect("search")
        .members
        .into_iter()
        .next()
        .expect("member found")
}

// ------------------------------------------------------------------ RBAC

#[test]
fn local_rbac_agrees_with_the_server() {
    run(async {
        let h = harness().await;
        let (admin, member, reader) = three(&h).await;
        assert!(
            !other_client(&h)
                .rbac()
                .is_authorized("stytch.self", "delete")
                .await
        );

        // stytch.member / search
        for (c, expected) in [(&admin, true), (&member, false), (&reader, true)] {
            let local = c.rbac().is_authorized("stytch.member", "search").await;
            assert_eq!(local, expected);
            assert_eq!(
                c.rbac().is_authorized_sync("stytch.member", "search"),
                expected
            );
            let server = c
                .organization()
                .members()
                .search(SearchMembersRequest::default())
                .await;
            assert_eq!(server.is_ok(), expected, "{server:?}");
            if !expected {
                denied(server);
            }
        }
        // stytch.organization / update.info.name
        for (c, expected) in [(&admin, true), (&member, false), (&reader, false)] {
            let local = c
                .rbac()
                .is_authorized("stytch.organization", "update.info.name")
                .await;
            assert_eq!(local, expected);
            let server = c
                .organization()
                .update(UpdateOrganizationRequest {
                    organization_name: Some("Acme".into()),
                    ..Default::default()
                })
                .await;
            assert_eq!(server.is_ok(), expected, "{server:?}");
        }
        // stytch.self / update.info.name: everyone.
        for c in [&admin, &member, &reader] {
            assert!(
                c.rbac()
                    .is_authorized("stytch.self", "update.info.name")
                    .await
            );
            c.self_()
                .update(UpdateSelfRequest {
                    name: Some("Renamed".into()),
                    ..Default::default()
                })
                .await
                .expect("self update");
        }
        // stytch.member / create
        for (c, expected) in [(&admin, true), (&member, false), (&reader, false)] {
            assert_eq!(
                c.rbac().is_authorized("stytch.member", "create").await,
                expected
            );
            let email = format!("new-{}@example.com", member_id(c));
            let server = c
                .organization()
                .members()
                .create(CreateMemberRequest {
                    email_address: email,
                    ..Default::default()
                })
                .await;
            assert_eq!(server.is_ok(), expected, "{server:?}");
        }
        // Custom resource and all_permissions.
        assert!(reader.rbac().is_authorized("docs", "read").await);
        assert!(!reader.rbac().is_authorized("docs", "write").await);
        let perms = reader.rbac().all_permissions().await;
        assert!(perms["docs"]["read"]);
        assert!(!perms["docs"]["write"]);
        assert!(perms["stytch.member"]["search"]);
        assert!(!perms["stytch.member"]["delete"]);
        let perms = admin.rbac().all_permissions().await;
        assert!(perms["stytch.organization"].values().all(|v| *v));
        assert!(!perms["docs"]["read"]);

        // Role change: the admin grants the member `stytch_admin`; after a refresh the member's
        // local verdict and the server's agree again.
        let mid = member_id(&member);
        admin
            .organization()
            .members()
            .update(UpdateMemberRequest {
                member_id: mid,
                roles: Some(vec!["stytch_admin".into()]),
                ..Default::default()
            })
            .await
            .expect("roles update");
        member.session().authenticate(None).await.expect("refresh");
        assert!(member.rbac().is_authorized("stytch.member", "search").await);
        member
            .organization()
            .members()
            .search(SearchMembersRequest::default())
            .await
            .expect("now allowed");

        // Logged out: false.
        member
            .session()
            .revoke(Default::default())
            .await
            .expect("revoke");
        assert!(!member.rbac().is_authorized("stytch.self", "delete").await);
    });
}

// ------------------------------------------------------------------ organization

#[test]
fn organization_update_and_errors() {
    run(async {
        let h = harness().await;
        let (admin, member, _) = three(&h).await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let _sub = admin.organization().on_change(move |o| {
            s.lock()
                .unwrap()
                .push(o.map(|o| o.organization_name.clone()))
        });
        let org = admin
            .organization()
            .update(UpdateOrganizationRequest {
                organization_name: Some("Acme Inc".into()),
                organization_logo_url: Some("https://example.com/logo.png".into()),
                email_allowed_domains: Some(vec!["example.com".into(), "acme.test".into()]),
                mfa_policy: Some("OPTIONAL".into()),
                ..Default::default()
            })
            .await
            .expect("update");
        assert_eq!(org.organization_name, "Acme Inc");
        assert_eq!(org.email_allowed_domains, vec!["example.com", "acme.test"]);
        assert_eq!(
            admin.organization().get_sync().unwrap().organization_name,
            "Acme Inc"
        );
        assert_eq!(
            seen.lock().unwrap().last().cloned(),
            Some(Some("Acme Inc".to_owned()))
        );
        let body: serde_json::Value = serde_json::from_str(
            h.transport
                .last_to("/sdk/v1/b2b/organizations/me")
                .unwrap()
                .body
                .as_deref()
                .unwrap(),
        )
        .unwrap();
        assert!(
            body.get("organization_slug").is_none(),
            "None fields are omitted"
        );

        // Errors.
        let e = admin
            .organization()
            .update(UpdateOrganizationRequest {
                organization_slug: Some("globex".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "organization_slug_already_used".into()));
        let e = admin
            .organization()
            .update(UpdateOrganizationRequest {
                mfa_policy: Some("SOMETIMES".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e).0, 400);
        let e = admin
            .organization()
            .update(UpdateOrganizationRequest {
                email_allowed_domains: Some(vec!["gmail.com".into()]),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(e),
            (400, "organization_settings_domain_too_common".into())
        );
        let e = admin
            .organization()
            .update(UpdateOrganizationRequest {
                rbac_email_implicit_role_assignments: Some(vec![
                    leptos_stytch::EmailImplicitRoleAssignment {
                        role_id: "stytch_member".into(),
                        domain: "example.com".into(),
                    },
                ]),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(e),
            (400, "cannot_assign_default_rbac_role_id".into())
        );
        denied(
            member
                .organization()
                .update(UpdateOrganizationRequest {
                    organization_slug: Some("acme2".into()),
                    ..Default::default()
                })
                .await,
        );
        // No session at all.
        let anon = other_client(&h);
        let (s, t) = api_error(anon.organization().update(Default::default()).await);
        assert_eq!((s, t.as_str()), (401, "unauthorized_credentials"));
    });
}

#[test]
fn organization_delete_logs_out() {
    run(async {
        let h = harness().await;
        let (admin, member, _) = three(&h).await;
        denied(member.organization().delete().await);
        assert!(
            member.session().get_sync().is_some(),
            "a denial keeps the session"
        );
        let resp = admin.organization().delete().await.expect("delete");
        assert_eq!(resp.organization_id, ORG_ID);
        assert!(admin.session().get_sync().is_none());
        assert!(admin.organization().get_sync().is_none());
        assert!(admin.session().get_tokens().is_none());
        let gone = admin
            .organization()
            .get_by_slug(leptos_stytch::GetBySlugRequest {
                organization_slug: "acme".into(),
            })
            .await
            .expect("by slug");
        assert!(gone.is_none());
        // The other member's session died with the organization.
        let (s, _) = api_error(member.self_().get().await);
        assert_eq!(s, 404);
    });
}

// ------------------------------------------------------------------ members

#[test]
fn members_create_search_update() {
    run(async {
        let h = harness().await;
        let (admin, member, _) = three(&h).await;
        let members = admin.organization().members();
        let created = members
            .create(CreateMemberRequest {
                email_address: "Carol@Example.com".into(),
                name: Some("Carol".into()),
                create_member_as_pending: Some(true),
                mfa_phone_number: Some("+15555550100".into()),
                roles: Some(vec!["member_reader".into()]),
                ..Default::default()
            })
            .await
            .expect("create");
        assert_eq!(created.member.email_address, "carol@example.com");
        assert_eq!(created.member.status, "pending");
        let roles: Vec<_> = created
            .member
            .roles
            .iter()
            .map(|r| r.role_id.as_str())
            .collect();
        assert_eq!(roles, ["stytch_member", "member_reader"]);
        denied(
            member
                .organization()
                .members()
                .create(CreateMemberRequest {
                    email_address: "x@example.com".into(),
                    ..Default::default()
                })
                .await,
        );
        let dup = members
            .create(CreateMemberRequest {
                email_address: "carol@example.com".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(dup), (400, "duplicate_member_email".into()));
        for (roles, t) in [
            (
                vec!["stytch_member".to_owned()],
                "cannot_assign_default_rbac_role_id",
            ),
            (vec!["nope".to_owned()], "invalid_rbac_role_id"),
        ] {
            let e = members
                .create(CreateMemberRequest {
                    email_address: "d@example.com".into(),
                    roles: Some(roles),
                    ..Default::default()
                })
                .await;
            assert_eq!(api_error(e), (400, t.into()));
        }
        let e = members
            .create(CreateMemberRequest {
                email_address: "not-an-email".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "invalid_email".into()));

        // Search: all non-deleted (4), filters, pagination.
        let all = members
            .search(SearchMembersRequest::default())
            .await
            .unwrap();
        assert_eq!(all.results_metadata.total, 4);
        assert!(all.results_metadata.next_cursor.is_none());
        assert!(all.organizations.contains_key(ORG_ID));
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = members
                .search(SearchMembersRequest {
                    limit: Some(3),
                    cursor: cursor.clone(),
                    ..Default::default()
                })
                .await
                .unwrap();
            assert!(page.members.len() <= 3);
            seen.extend(page.members.into_iter().map(|m| m.member_id));
            cursor = page.results_metadata.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        let mut expected: Vec<_> = all.members.iter().map(|m| m.member_id.clone()).collect();
        assert_eq!(seen, expected, "pages are stable and complete");
        expected.dedup();
        assert_eq!(expected.len(), 4);

        let q = |ops| SearchMembersRequest {
            query: Some(SearchQuery::all(ops)),
            ..Default::default()
        };
        let r = members
            .search(q(vec![MemberSearchFilter::MemberEmailFuzzy(
                "CAROL".into(),
            )]))
            .await
            .unwrap();
        assert_eq!(r.members.len(), 1);
        let r = members
            .search(q(vec![MemberSearchFilter::Statuses(vec![
                "pending".into(),
            ])]))
            .await
            .unwrap();
        assert_eq!(r.members[0].email_address, "carol@example.com");
        let r = members
            .search(q(vec![MemberSearchFilter::MemberRoles(vec![
                "stytch_admin".into(),
            ])]))
            .await
            .unwrap();
        assert_eq!(r.members[0].email_address, "admin@example.com");
        let r = members
            .search(q(vec![MemberSearchFilter::MemberMfaPhoneNumberFuzzy(
                "5550".into(),
            )]))
            .await
            .unwrap();
        assert_eq!(r.members.len(), 1);
        let r = members
            .search(q(vec![
                MemberSearchFilter::MemberPasswordExists(false),
                MemberSearchFilter::MemberIsBreakglass(false),
            ]))
            .await
            .unwrap();
        assert_eq!(r.results_metadata.total, 4);
        let r = members
            .search(SearchMembersRequest {
                query: Some(SearchQuery::any(vec![
                    MemberSearchFilter::MemberIds(vec![created.member_id.clone()]),
                    MemberSearchFilter::MemberMfaPhoneNumbers(vec!["+15555550100".into()]),
                ])),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(r.members.len(), 1);
        let e = members
            .search(q(vec![MemberSearchFilter::MemberEmailFuzzy("ca".into())]))
            .await;
        assert_eq!(
            api_error(e),
            (400, "member_search_member_email_fuzzy_too_short".into())
        );
        let e = members
            .search(SearchMembersRequest {
                limit: Some(1001),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "invalid_argument".into()));
        let e = members
            .search(SearchMembersRequest {
                cursor: Some("garbage!".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e).0, 400);

        // Update: admin allowed, plain member denied on another member; self fields on oneself OK
        // through the admin path, roles not.
        // A default second factor the member does not have (no verified phone) is refused.
        let e = members
            .update(UpdateMemberRequest {
                member_id: created.member_id.clone(),
                default_mfa_method: Some("sms_otp".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(e),
            (400, "default_mfa_member_missing_factor".to_owned())
        );
        let updated = members
            .update(UpdateMemberRequest {
                member_id: created.member_id.clone(),
                name: Some("Caroline".into()),
                is_breakglass: Some(true),
                ..Default::default()
            })
            .await
            .expect("update");
        assert_eq!(updated.member.name, "Caroline");
        assert!(updated.member.is_breakglass);
        denied(
            member
                .organization()
                .members()
                .update(UpdateMemberRequest {
                    member_id: created.member_id.clone(),
                    name: Some("x".into()),
                    ..Default::default()
                })
                .await,
        );
        let mid = member_id(&member);
        member
            .organization()
            .members()
            .update(UpdateMemberRequest {
                member_id: mid.clone(),
                name: Some("Mo".into()),
                ..Default::default()
            })
            .await
            .expect("own name via the admin path (stytch.self)");
        assert_eq!(
            member.self_().get_sync().unwrap().name,
            "Mo",
            "self: state updated"
        );
        denied(
            member
                .organization()
                .members()
                .update(UpdateMemberRequest {
                    member_id: mid.clone(),
                    roles: Some(vec!["stytch_admin".into()]),
                    ..Default::default()
                })
                .await,
        );
        let e = members
            .update(UpdateMemberRequest {
                member_id: created.member_id.clone(),
                default_mfa_method: Some("carrier_pigeon".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "invalid_mfa_default_method".into()));
        let e = members
            .update(UpdateMemberRequest {
                member_id: "member-test-00000000-0000-4000-8000-00000000dead".into(),
                name: Some("x".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (404, "member_not_found".into()));
        // A member of another organization is invisible.
        let bob = h
            .call(
                Method::Get,
                &format!(
                    "/v1/b2b/organizations/{OTHER_ORG_ID}/member?email_address=bob@globex.test"
                ),
                Some(h.backend_auth()),
                None,
            )
            .await
            .1["member_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let e = members
            .update(UpdateMemberRequest {
                member_id: bob,
                name: Some("x".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (404, "member_not_found".into()));
    });
}

#[test]
fn members_delete_reactivate_and_factors() {
    run(async {
        let h = harness().await;
        let (admin, member, reader) = three(&h).await;
        let members = admin.organization().members();
        let reader_id = member_id(&reader);

        // Delete: plain member denied; admin deletes the reader, whose session dies.
        denied(member.organization().members().delete(&reader_id).await);
        let r = members.delete(&reader_id).await.expect("delete");
        assert_eq!(r.member_id, reader_id);
        assert!(
            admin.session().get_sync().is_some(),
            "not self: session kept"
        );
        assert_eq!(api_error(reader.self_().get().await).0, 404);
        let found = find(&admin, "reader@example.com").await;
        assert_eq!(found.status, "deleted");
        let default_search = members
            .search(SearchMembersRequest::default())
            .await
            .unwrap();
        assert!(default_search.members.iter().all(|m| m.status != "deleted"));
        assert_eq!(
            api_error(members.delete(&reader_id).await),
            (404, "member_not_found".into())
        );

        // Reactivate: verified (it logged in) → active; not deleted → error; denied for a member.
        denied(member.organization().members().reactivate(&reader_id).await);
        let r = members.reactivate(&reader_id).await.expect("reactivate");
        assert_eq!(r.member.status, "active");
        assert_eq!(
            api_error(members.reactivate(&reader_id).await),
            (404, "no_deleted_member_found_for_reactivation".into())
        );
        let fresh = members
            .create(CreateMemberRequest {
                email_address: "fresh@example.com".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        members.delete(&fresh.member_id).await.unwrap();
        assert_eq!(
            api_error(members.reactivate(&fresh.member_id).await),
            (400, "email_unverified_for_reactivation".into())
        );

        // MFA phone / TOTP / password deletion.
        let mid = member_id(&member);
        members
            .update(UpdateMemberRequest {
                member_id: mid.clone(),
                mfa_phone_number: Some("+15555550101".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let e = members
            .update(UpdateMemberRequest {
                member_id: mid.clone(),
                mfa_phone_number: Some("555".into()),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "invalid_phone_number".into()));
        let admin_id = member_id(&admin);
        denied(
            member
                .organization()
                .members()
                .delete_mfa_phone_number(&admin_id)
                .await,
        );
        let r = members
            .delete_mfa_phone_number(&mid)
            .await
            .expect("delete phone");
        assert_eq!(r.member.mfa_phone_number, "");
        let r = members.delete_mfa_totp(&mid).await.expect("delete totp");
        assert_eq!(r.member.totp_registration_id, "");
        denied(
            member
                .organization()
                .members()
                .delete_mfa_totp(&admin_id)
                .await,
        );
        assert_eq!(
            api_error(
                members
                    .delete_password("member-password-test-00000000-0000-4000-8000-000000000000")
                    .await
            ),
            (404, "member_password_not_found".into())
        );

        // Deleting oneself destroys the local session.
        member
            .organization()
            .members()
            .delete(&mid)
            .await
            .expect("delete self (stytch.self)");
        assert!(member.session().get_sync().is_none());
        assert!(member.session().get_tokens().is_none());
    });
}

#[test]
fn email_change_retired_emails_and_email_update() {
    run(async {
        let h = harness().await;
        let (admin, member, _) = three(&h).await;
        let members = admin.organization().members();
        let mid = member_id(&member);

        // A direct change (admin) retires the old address.
        let r = members
            .update(UpdateMemberRequest {
                member_id: mid.clone(),
                email_address: Some("mo@example.com".into()),
                ..Default::default()
            })
            .await
            .expect("email change");
        assert_eq!(r.member.email_address, "mo@example.com");
        assert!(!r.member.email_address_verified);
        assert_eq!(
            r.member.retired_email_addresses[0]["email_address"],
            "member@example.com"
        );
        denied(
            member
                .organization()
                .members()
                .update(UpdateMemberRequest {
                    member_id: mid.clone(),
                    email_address: Some("mo2@example.com".into()),
                    ..Default::default()
                })
                .await,
        );
        // The retired address cannot be reused by someone else until unlinked.
        let e = members
            .create(CreateMemberRequest {
                email_address: "member@example.com".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "retired_member_email".into()));
        let e = members
            .unlink_retired_email(UnlinkRetiredEmailRequest {
                member_id: mid.clone(),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(e),
            (400, "retired_email_missing_email_identifiers".into())
        );
        let r = members
            .unlink_retired_email(UnlinkRetiredEmailRequest {
                member_id: mid.clone(),
                email_address: Some("member@example.com".into()),
                ..Default::default()
            })
            .await
            .expect("unlink");
        assert!(r.member.retired_email_addresses.is_empty());
        members
            .create(CreateMemberRequest {
                email_address: "member@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("free again");

        // start_email_update (admin path) for the member: the link switches the email.
        let e = member
            .organization()
            .members()
            .start_email_update(StartEmailUpdateRequest {
                member_id: member_id(&admin),
                email_address: "boss@example.com".into(),
                ..Default::default()
            })
            .await;
        denied(e);
        members
            .start_email_update(StartEmailUpdateRequest {
                member_id: mid.clone(),
                email_address: "mo.new@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("start email update");
        let msg = h.last_message("mo.new@example.com").await;
        assert_eq!(msg["kind"], "email_update");
        follow_link(&h, &member, "mo.new@example.com").await;
        let me = member.self_().get_sync().unwrap();
        assert_eq!(me.email_address, "mo.new@example.com");
        assert!(me.email_address_verified);
        assert_eq!(
            me.retired_email_addresses[0]["email_address"],
            "mo@example.com"
        );
    });
}

// ------------------------------------------------------------------ self

#[test]
fn self_service_updates_state() {
    run(async {
        let h = harness().await;
        let (_, member, _) = three(&h).await;
        let changes = Arc::new(Mutex::new(0));
        let c = changes.clone();
        let _sub = member.self_().on_change(move |_| *c.lock().unwrap() += 1);
        let r = member
            .self_()
            .update(UpdateSelfRequest {
                name: Some("Moe".into()),
                untrusted_metadata: Some(serde_json::from_value(json!({"theme": "dark"})).unwrap()),
                mfa_phone_number: Some("+15555550102".into()),
                // The phone is not verified yet, so it cannot be the default factor.
                default_mfa_method: None,
                mfa_enrolled: Some(true),
            })
            .await
            .expect("self update");
        assert_eq!(r.member.name, "Moe");
        let me = member.self_().get_sync().unwrap();
        assert_eq!(me.name, "Moe");
        assert_eq!(me.untrusted_metadata["theme"], "dark");
        assert!(me.mfa_enrolled);
        assert_eq!(*changes.lock().unwrap(), 1);
        let body = h
            .transport
            .last_to("/sdk/v1/b2b/organizations/members/update")
            .unwrap();
        assert_eq!(body.method, Method::Put);

        let r = member
            .self_()
            .delete_mfa_phone_number()
            .await
            .expect("phone");
        assert_eq!(r.member.mfa_phone_number, "");
        assert_eq!(r.member.default_mfa_method, "");
        assert_eq!(member.self_().get_sync().unwrap().mfa_phone_number, "");
        member.self_().delete_mfa_totp().await.expect("totp");
        assert_eq!(
            api_error(
                member
                    .self_()
                    .delete_password("member-password-test-nope")
                    .await
            ),
            (404, "member_password_not_found".into())
        );
        assert_eq!(
            api_error(
                member
                    .self_()
                    .unlink_retired_email(SelfUnlinkRetiredEmailRequest::default())
                    .await
            ),
            (400, "retired_email_missing_email_identifiers".into())
        );
        assert_eq!(
            api_error(
                member
                    .self_()
                    .unlink_retired_email(SelfUnlinkRetiredEmailRequest {
                        email_id: Some("email-test-nope".into()),
                        ..Default::default()
                    })
                    .await
            ),
            (404, "email_not_found".into())
        );

        // MFA off again: with it on, the magic link below would ask for a second factor.
        member
            .self_()
            .update(UpdateSelfRequest {
                mfa_enrolled: Some(false),
                ..Default::default()
            })
            .await
            .expect("MFA off");

        // Email update: link to the new address, then the old one is retired and unlinkable.
        let e = member
            .self_()
            .start_email_update(SelfStartEmailUpdateRequest {
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "duplicate_member_email".into()));
        member
            .self_()
            .start_email_update(SelfStartEmailUpdateRequest {
                email_address: "moe@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("start");
        follow_link(&h, &member, "moe@example.com").await;
        let me = member.self_().get_sync().unwrap();
        assert_eq!(me.email_address, "moe@example.com");
        let retired_id = me.retired_email_addresses[0]["email_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = member
            .self_()
            .unlink_retired_email(SelfUnlinkRetiredEmailRequest {
                email_id: Some(retired_id),
                ..Default::default()
            })
            .await
            .expect("unlink");
        assert!(r.member.retired_email_addresses.is_empty());
        assert!(
            member
                .self_()
                .get_sync()
                .unwrap()
                .retired_email_addresses
                .is_empty()
        );

        // Without a session.
        let anon = other_client(&h);
        let (s, t) = api_error(anon.self_().update(UpdateSelfRequest::default()).await);
        assert_eq!((s, t.as_str()), (401, "unauthorized_credentials"));
    });
}

// ------------------------------------------------------------------ invite

#[test]
fn invite_flow() {
    run(async {
        let h = harness().await;
        let (admin, member, _) = three(&h).await;
        denied(
            member
                .magic_links()
                .email()
                .invite(EmailInviteRequest {
                    email_address: "guest@example.com".into(),
                    ..Default::default()
                })
                .await,
        );
        let r = admin
            .magic_links()
            .email()
            .invite(EmailInviteRequest {
                email_address: "guest@elsewhere.test".into(),
                name: Some("Guest".into()),
                roles: Some(vec!["member_reader".into()]),
                ..Default::default()
            })
            .await
            .expect("invite");
        assert_eq!(r.member.status, "invited");
        assert_eq!(r.member.name, "Guest");
        let msg = h.last_message("guest@elsewhere.test").await;
        assert_eq!(msg["kind"], "magic_link_invite");
        assert!(msg["link"].as_str().unwrap().starts_with(REDIRECT));
        // Re-inviting an invited member is fine; an active one is not.
        admin
            .magic_links()
            .email()
            .invite(EmailInviteRequest {
                email_address: "guest@elsewhere.test".into(),
                ..Default::default()
            })
            .await
            .expect("re-invite");
        let e = admin
            .magic_links()
            .email()
            .invite(EmailInviteRequest {
                email_address: "member@example.com".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "duplicate_member_email".into()));
        let e = admin
            .magic_links()
            .email()
            .invite(EmailInviteRequest {
                email_address: "g2@example.com".into(),
                invite_expiration_minutes: Some(1),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "invalid_expiration".into()));
        // The invitee follows the link and becomes active.
        let guest = other_client(&h);
        follow_link(&h, &guest, "guest@elsewhere.test").await;
        let me = guest.self_().get_sync().expect("logged in");
        assert_eq!(me.status, "active");
        assert!(guest.rbac().is_authorized("stytch.member", "search").await);
        // email_invites RESTRICTED: outside domains refused.
        admin
            .organization()
            .update(UpdateOrganizationRequest {
                email_invites: Some("RESTRICTED".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let e = admin
            .magic_links()
            .email()
            .invite(EmailInviteRequest {
                email_address: "x@elsewhere.test".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(e), (400, "invalid_email_for_invites".into()));
    });
}
