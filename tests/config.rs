//! `Leptos.toml` is the one place for the demo's settings; the emulator seed must agree with it, or the demo
//! breaks in ways that only show in a browser (CORS refusals, rejected redirect URLs, unknown public token).

#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;

fn leptos_toml() -> toml::Table {
    toml::from_str(&std::fs::read_to_string("Leptos.toml").expect("Leptos.toml"))
        .expect("valid TOML")
}

fn get<'a>(t: &'a toml::Table, section: &str, key: &str) -> &'a toml::Value {
    &t[section][key]
}

#[test]
fn the_demo_seed_matches_leptos_toml() {
    let config = leptos_toml();
    let seed_path = get(&config, "emulator", "seed").as_str().unwrap();
    let seed: Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path).expect("seed file")).unwrap();

    let origin = format!(
        "http://{}:{}",
        get(&config, "site", "host").as_str().unwrap(),
        get(&config, "site", "port").as_integer().unwrap()
    );
    let strings = |key: &str| -> Vec<String> {
        seed[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        strings("allowed_origins").contains(&origin),
        "seed must allow {origin}"
    );
    assert!(
        strings("redirect_urls").contains(&format!("{origin}/")),
        "seed must allow the redirect {origin}/"
    );
    // The connected app's consent page is the demo's own `/oauth/authorize`, on the site's origin (its
    // session cookies are the site's).
    assert_eq!(
        seed["connected_apps_authorization_url"].as_str().unwrap(),
        format!("{origin}/oauth/authorize")
    );
    assert!(
        seed["connected_apps"][0]["redirect_urls"]
            .as_array()
            .unwrap()
            .contains(&Value::String(format!("{origin}/oauth-client/callback"))),
        "the demo's connected app must come back to {origin}/oauth-client/callback"
    );
    assert_eq!(
        seed["project"]["public_token"].as_str().unwrap(),
        get(&config, "demo", "public_token").as_str().unwrap()
    );
    let api = format!(
        "http://{}:{}",
        get(&config, "emulator", "host").as_str().unwrap(),
        get(&config, "emulator", "port").as_integer().unwrap()
    );
    assert_eq!(get(&config, "demo", "api_url").as_str().unwrap(), api);
}

#[test]
fn the_demo_seed_loads_in_the_emulator() {
    let config = leptos_toml();
    let seed_path = get(&config, "emulator", "seed").as_str().unwrap();
    let seed =
        stytch_emulator::Seed::from_file(std::path::Path::new(seed_path)).expect("seed parses");
    let emulator = stytch_emulator::Emulator::in_memory(seed).expect("seed applies");
    assert_eq!(
        emulator.project().public_token,
        get(&config, "demo", "public_token").as_str().unwrap()
    );
}

#[test]
fn the_ssr_example_seed_matches_leptos_toml_and_the_app() {
    let config = leptos_toml();
    let seed_path = get(&config, "ssr_example", "seed").as_str().unwrap();
    let seed: Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path).expect("seed file")).unwrap();
    let host = get(&config, "ssr_example", "host").as_str().unwrap();
    let origin = format!(
        "http://{host}:{}",
        get(&config, "ssr_example", "port").as_integer().unwrap()
    );
    assert!(
        seed["allowed_origins"]
            .as_array()
            .unwrap()
            .contains(&Value::from(origin.clone())),
        "seed must allow {origin}"
    );
    // The app bakes in what the browser needs (not the secret): the same token, organization and API.
    let app = std::fs::read_to_string("examples/ssr/src/app.rs").expect("examples/ssr/src/app.rs");
    let api = format!(
        "\"http://{host}:{}\"",
        get(&config, "ssr_example", "emulator_port")
            .as_integer()
            .unwrap()
    );
    for needle in [
        format!("\"{}\"", seed["project"]["public_token"].as_str().unwrap()),
        format!(
            "\"{}\"",
            seed["organizations"][0]["organization_id"]
                .as_str()
                .unwrap()
        ),
        api,
    ] {
        assert!(app.contains(&needle), "app.rs must contain {needle}");
    }
    stytch_emulator::Seed::from_file(std::path::Path::new(seed_path)).expect("seed parses");
}
