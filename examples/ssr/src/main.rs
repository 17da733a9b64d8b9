//! The SSR example's server: axum + leptos_axum, with the Stytch project's secret in server-only
//! configuration (`STYTCH_PROJECT_ID`, `STYTCH_SECRET`, `STYTCH_API_URL`).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use axum::Router;
    use leptos::prelude::*;
    use leptos_axum::{LeptosRoutes, generate_route_list};
    use leptos_stytch::server::StytchServer;
    use leptos_stytch_ssr_example::app::{App, shell};

    let stytch = match StytchServer::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "{e} (scripts/ssr-example.sh sets STYTCH_PROJECT_ID, STYTCH_SECRET and STYTCH_API_URL)"
            );
            std::process::exit(2);
        }
    };
    let conf = match get_configuration(None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Leptos configuration: {e} (set LEPTOS_OUTPUT_NAME, as cargo-leptos does)");
            std::process::exit(2);
        }
    };
    let options = conf.leptos_options;
    let addr = options.site_addr;
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes_with_context(&options, routes, move || provide_context(stytch.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!("SSR example on http://{addr}");
    if let Err(e) = axum::serve(listener, app.into_make_service()).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    eprintln!("Build the server with `--features ssr`: scripts/ssr-example.sh does it all.");
}
