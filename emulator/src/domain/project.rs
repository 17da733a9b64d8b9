//! The local project: applying the seed (its organizations, members and passwords, its connected
//! apps).

use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::members::NewMember;
use crate::domain::members::insert_row;
use crate::domain::organizations;
use crate::domain::organizations::insert_org;
use crate::domain::passwords;
use crate::domain::rbac;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::ids::derived_id;
use crate::seed::Seed;
use rusqlite::Connection;
use serde_json::json;

/// Create the seed's organizations and members.
pub fn apply_seed(conn: &Connection, seed: &Seed, now: i64) -> ApiResult<()> {
    let project_id = seed.project.project_id.as_deref().unwrap_or("");
    for o in &seed.organizations {
        let slug_hint = o
            .settings
            .organization_slug
            .clone()
            .or_else(|| o.settings.organization_name.clone())
            .unwrap_or_default();
        let org_id = o
            .organization_id
            .clone()
            .unwrap_or_else(|| derived_id("organization", &[project_id, &slug_hint]));
        let org = organizations::new_organization(&o.settings, &org_id, now)?;
        insert_org(conn, &org)?;
        for m in &o.members {
            let email = normalize_email(&m.email_address)?;
            let roles: Vec<String> = m
                .roles
                .iter()
                .filter(|r| *r != "stytch_member")
                .cloned()
                .collect();
            rbac::validate_roles(seed, &roles)?;
            if !["active", "pending", "invited"].contains(&m.status.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "member status must be active, pending or invited, not {}",
                    m.status
                )));
            }
            let member_id = m
                .member_id
                .clone()
                .unwrap_or_else(|| derived_id("member", &[&org_id, &email]));
            let data = members::new_member(
                &NewMember {
                    name: &m.name,
                    roles: &roles,
                    email_address_verified: m.email_address_verified,
                    is_breakglass: m.is_breakglass,
                    mfa_enrolled: m.mfa_enrolled,
                    ..NewMember::plain(&org_id, &member_id, &email, &m.status)
                },
                now,
            );
            let mut data = data;
            if let Some(phone) = &m.mfa_phone_number {
                members::check_phone(phone)?;
                if let Some(o) = data.as_object_mut() {
                    o.insert("mfa_phone_number".into(), json!(phone));
                    o.insert("mfa_phone_number_verified".into(), json!(true));
                }
            }
            let email_id = derived_id("email", &[&member_id, &email]);
            let mut row = MemberRow { data, email_id };
            insert_row(conn, &row)?;
            if let Some(pw) = &m.password {
                passwords::store_hash(conn, &mut row, &passwords::hash_password(pw)?, now)?;
            }
        }
    }
    crate::domain::connected_apps::apply_seed(conn, seed, now)
}
