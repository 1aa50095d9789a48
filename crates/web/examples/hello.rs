//! The framework ceiling for benchmarks: a bare axum "hello" handler on the
//! same runtime settings as Entraide, with nothing else.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("HELLO_BIND").unwrap_or_else(|_| "127.0.0.1:8090".to_owned());
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    axum::serve(listener, app).await
}
