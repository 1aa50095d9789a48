//! Routes open to more roles than the resource's people, because what they
//! answer is filtered: those outside see an empty list, never this
//! organisation's reports or someone else's claims.

use common::TestApp;

use crate::common;
use crate::routes;
use crate::world::{self, World};

fn token(w: &World, role: routes::Roles) -> &str {
    &w.people.iter().find(|p| p.0 == role).unwrap().2
}

#[tokio::test]
async fn lists_open_to_all_show_nothing_of_others() {
    for t in TestApp::all().await {
        let w = world::build(&t).await;
        // The moderation queues of an administrator of another organisation
        // hold none of this organisation's reports (the world has one).
        let elsewhere = token(&w, routes::ELSEWHERE);
        for path in [
            "/api/v1/moderation",
            "/api/v1/moderation/log",
            "/api/v1/neighbourhood/reports",
        ] {
            let seen = t.api("GET", path, elsewhere, None).await.json();
            let items = seen
                .as_object()
                .unwrap()
                .values()
                .find_map(|v| v.as_array())
                .unwrap();
            assert!(items.is_empty(), "{path} for another organisation: {seen}");
        }
        let admin = t
            .api("GET", "/api/v1/moderation", token(&w, routes::ADMIN), None)
            .await
            .json();
        assert!(!admin["reports"].as_array().unwrap().is_empty(), "{admin}");
        // The claims of Olive's done need: only its people and the bank.
        let claims = format!("/api/v1/exchanges/{}/claims", w.done_need);
        for role in [
            routes::MEMBER,
            routes::OUTSIDER,
            routes::ELSEWHERE,
            routes::COORDINATOR,
        ] {
            let seen = t.api("GET", &claims, token(&w, role), None).await;
            assert_eq!(seen.body, "[]", "claims for role {role}");
        }
        let bank = t.api("GET", &claims, token(&w, routes::ADMIN), None).await;
        assert!(bank.body.contains("\"helper_id\""), "{}", bank.body);
    }
}
