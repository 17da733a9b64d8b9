//! Bakes the `[demo]` table of the top-level `Leptos.toml` into the demo binary (`env!("STYTCH_DEMO_API_URL")`,
//! `env!("STYTCH_DEMO_PUBLIC_TOKEN")`). Environment variables of the same names override it. Without a
//! `Leptos.toml` the demo values fall back to the local emulator's defaults.

use serde::Deserialize;

#[derive(Deserialize, Default)]
struct LeptosToml {
    #[serde(default)]
    demo: Demo,
}

#[derive(Deserialize)]
struct Demo {
    api_url: String,
    public_token: String,
}

impl Default for Demo {
    fn default() -> Self {
        Self {
            api_url: "http://127.0.0.1:4010".to_owned(),
            public_token: "public-token-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01".to_owned(),
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=../Leptos.toml");
    println!("cargo:rerun-if-env-changed=STYTCH_DEMO_API_URL");
    println!("cargo:rerun-if-env-changed=STYTCH_DEMO_PUBLIC_TOKEN");
    let config: LeptosToml = match std::fs::read_to_string("../Leptos.toml") {
        Ok(text) => match toml::from_str(&text) {
            Ok(c) => c,
            Err(e) => panic!("Leptos.toml is not valid: {e}"),
        },
        Err(_) => LeptosToml::default(),
    };
    let api_url = std::env::var("STYTCH_DEMO_API_URL").unwrap_or(config.demo.api_url);
    let token = std::env::var("STYTCH_DEMO_PUBLIC_TOKEN").unwrap_or(config.demo.public_token);
    println!("cargo:rustc-env=STYTCH_DEMO_API_URL={api_url}");
    println!("cargo:rustc-env=STYTCH_DEMO_PUBLIC_TOKEN={token}");
}
