//! The `entraide` command: run the server, apply migrations, seed the
//! demonstration neighbourhood, and a few administration commands.

mod demo;
mod demo_board;
mod demo_conversations;
mod demo_exchanges;
mod demo_timebank;
mod demo_visits;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use entraide_store::Db;
use entraide_web::AppState;
use settings::Settings;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "entraide",
    version,
    about = "Entraide: neighbours helping neighbours"
)]
struct Cli {
    /// A TOML settings file (environment variables override it).
    #[arg(long, global = true, env = "ENTRAIDE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve {
        /// Seed the demonstration neighbourhood first (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Seed the demonstration neighbourhood and print its sign-ins.
    Demo,
    /// Make a person a platform administrator.
    GrantAdmin {
        /// Their email address.
        email: String,
    },
    /// Replace the safe's server key and rewrap every data key (stop the
    /// servers first). With the key in the key file of the data folder, a
    /// new one is made; with ENTRAIDE_VAULT_KEY, set the new key there and
    /// the old one in ENTRAIDE_VAULT_PREVIOUS_KEY.
    RotateVaultKey,
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // JSON lines for log collectors; readable text otherwise.
    if std::env::var("ENTRAIDE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("entraide: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let settings = Settings::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    let db = open(&settings).await?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Migrate => {
            println!("Migrations applied.");
            Ok(())
        }
        Command::Demo => seed_demo(&db).await,
        Command::GrantAdmin { email } => {
            let user = db
                .user_by_email(&email.trim().to_lowercase())
                .await
                .map_err(|_| format!("no account uses {email}"))?;
            db.set_platform_admin(user.id, true)
                .await
                .map_err(|e| e.to_string())?;
            db.audit(entraide_store::audit::NewAudit {
                event: "role-changed",
                subject_id: Some(user.id),
                detail: "platform admin (command line)",
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?;
            println!("{email} is now a platform administrator.");
            Ok(())
        }
        Command::RotateVaultKey => rotate_vault_key(&settings, &db).await,
        Command::Serve { demo } => {
            if demo {
                seed_demo(&db).await?;
            }
            serve(settings, db).await
        }
    }
}

async fn rotate_vault_key(settings: &Settings, db: &Db) -> Result<(), String> {
    use entraide_web::services::safe_keys;
    let done = if settings.web.safe.key.is_some() {
        if settings.web.safe.previous_key.is_none() {
            return Err(
                "set the old key in ENTRAIDE_VAULT_PREVIOUS_KEY and the new one in ENTRAIDE_VAULT_KEY"
                    .to_owned(),
            );
        }
        let safe = safe_keys::Safe::open(&settings.web)?;
        safe_keys::rewrap_all(db, &safe.ring)
            .await
            .map_err(|e| e.to_string())?
    } else {
        safe_keys::rotate_key_file(db, &settings.web.data_dir).await?
    };
    println!(
        "{} data keys rewrapped with the new server key.",
        done.rewrapped
    );
    if settings.web.safe.key.is_some() {
        println!("Every key is rewrapped: ENTRAIDE_VAULT_PREVIOUS_KEY can now be removed.");
    }
    Ok(())
}

/// Creates the data folder, connects and migrates, with one clear sentence on failure.
async fn open(settings: &Settings) -> Result<Db, String> {
    std::fs::create_dir_all(&settings.web.data_dir).map_err(|e| {
        format!(
            "cannot create the data folder {}: {e}",
            settings.web.data_dir.display()
        )
    })?;
    let db = Db::connect_with(&settings.database_url, settings.database_pool)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

async fn seed_demo(db: &Db) -> Result<(), String> {
    let seeded = demo::seed(db, true)
        .await
        .map_err(|e| format!("could not seed the demo: {e}"))?;
    if !seeded {
        println!("The demo neighbourhood is already there.");
    }
    println!("{}", demo::logins());
    Ok(())
}

async fn serve(settings: Settings, db: Db) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    let state = AppState::new(db.clone(), settings.web);
    // A bad vault key or an unreachable safe folder is said now, in one
    // sentence, rather than at the first upload.
    state
        .safe()
        .await
        .map_err(|e| format!("the safe cannot open: {e}"))?;
    entraide_web::spawn_background(&state);
    let timeouts = state.config.timeouts;
    let app = entraide_web::app(state);
    tracing::info!(address = %settings.bind, "Entraide is listening");
    println!("Entraide is running at http://{}", settings.bind);
    // Requests in flight get as long as an ordinary request may take.
    entraide_web::server::serve(listener, app, timeouts, shutdown(), timeouts.request).await;
    db.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, letting requests in flight finish.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
