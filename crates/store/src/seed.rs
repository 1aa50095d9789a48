//! Bulk insertion of many people at once, in one transaction per batch,
//! for the demonstration neighbourhood and the load generator.

use entraide_core::geo::Point;

use crate::{Db, StoreError, now};

/// One person to insert, with their profile, home and memberships.
#[derive(Debug, Clone, Default)]
pub struct SeedPerson {
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub login: Option<String>,
    pub pin_hash: Option<String>,
    pub display_name: String,
    pub bio: String,
    pub locale: String,
    pub visibility: String,
    pub birth_year: Option<i64>,
    pub home: Option<(f64, f64, i64)>,
    pub availability: i64,
    pub platform_admin: bool,
    pub email_verified: bool,
    pub registered_by: Option<i64>,
    /// The organisation that registered them: they consent to be
    /// accompanied by it and share their safe with its staff.
    pub registered_org: Option<i64>,
    /// (kind, value) pairs: `skill`, `interest`, `language`.
    pub tags: Vec<(&'static str, String)>,
    /// (organisation id, role).
    pub memberships: Vec<(i64, &'static str)>,
}

impl Db {
    /// Inserts every person in one transaction; returns their ids in order.
    pub async fn seed_people(&self, people: &[SeedPerson]) -> Result<Vec<i64>, StoreError> {
        let _writing = self.writing();
        let at = now();
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(people.len());
        for p in people {
            let home = p.home.map(|h| Point { lat: h.0, lng: h.1 });
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, email_verified_at, password_hash, login, pin_hash, display_name, bio, \
                 platform_admin, locale, visibility, home_lat, home_lng, home_cell, home_area, home_wide_area, availability, \
                 birth_year, registered_by, registered_org, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
            )
            .bind(p.email.as_deref())
            .bind(p.email_verified.then_some(at))
            .bind(p.password_hash.as_deref())
            .bind(p.login.as_deref())
            .bind(p.pin_hash.as_deref())
            .bind(&p.display_name)
            .bind(&p.bio)
            .bind(i64::from(p.platform_admin))
            .bind(&p.locale)
            .bind(&p.visibility)
            .bind(p.home.map(|h| h.0))
            .bind(p.home.map(|h| h.1))
            .bind(p.home.map(|h| h.2))
            .bind(home.map(Point::area))
            .bind(home.map(Point::wide_area))
            .bind(p.availability)
            .bind(p.birth_year)
            .bind(p.registered_by)
            .bind(p.registered_org)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for (kind, value) in &p.tags {
                sqlx::query("INSERT INTO user_tags (user_id, kind, value, free) VALUES ($1, $2, $3, 0) ON CONFLICT (user_id, kind, value) DO NOTHING")
                    .bind(id)
                    .bind(*kind)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
            }
            for (org, role) in &p.memberships {
                sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, user_id) DO NOTHING")
                    .bind(*org)
                    .bind(id)
                    .bind(*role)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(org) = p.registered_org {
                crate::safe_access::consent_in(&mut tx, id, org, p.registered_by, at).await?;
            }
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }
}
