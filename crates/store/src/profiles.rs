//! Profiles: what people say about themselves (name, bio, skills, interests,
//! languages, availability), where they live (exact, private) and who may
//! see them.

use entraide_core::geo::Point;

use crate::cache::Cache;
use crate::{Db, StoreError};

/// The editable part of a profile, already parsed by the caller.
pub struct ProfileUpdate<'a> {
    pub display_name: &'a str,
    pub bio: &'a str,
    pub visibility: &'a str,
    pub availability: i64,
    pub skills: &'a [String],
    pub interests: &'a [String],
    pub languages: &'a [String],
    pub free_tags: &'a [String],
}

/// An exact home location: only its owner ever reads it back.
pub struct Home<'a> {
    pub label: Option<&'a str>,
    pub lat: f64,
    pub lng: f64,
    pub cell: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tags {
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub languages: Vec<String>,
    pub free_tags: Vec<String>,
}

impl Db {
    /// Replaces the profile's fields and tags in one transaction.
    pub async fn update_profile(
        &self,
        user_id: i64,
        update: &ProfileUpdate<'_>,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET display_name = $1, bio = $2, visibility = $3, availability = $4, \
             changed_at = $5 WHERE id = $6",
        )
        .bind(update.display_name)
        .bind(update.bio)
        .bind(update.visibility)
        .bind(update.availability)
        .bind(crate::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM user_tags WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let groups: [(&str, &[String], bool); 4] = [
            ("skill", update.skills, false),
            ("interest", update.interests, false),
            ("language", update.languages, false),
            ("skill", update.free_tags, true),
        ];
        for (kind, values, free) in groups {
            for value in values {
                sqlx::query(
                    "INSERT INTO user_tags (user_id, kind, value, free) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, kind, value) DO NOTHING",
                )
                .bind(user_id)
                .bind(kind)
                .bind(value)
                .bind(i64::from(free))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn tags(&self, user_id: i64) -> Result<Tags, StoreError> {
        if let Some(hit) = self.cache.as_deref().and_then(|c| c.get(&c.tags, &user_id)) {
            return Ok(hit);
        }
        let read = self.cache.as_deref().and_then(Cache::begin_read);
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT kind, value, free FROM user_tags WHERE user_id = $1 ORDER BY kind, value",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let mut tags = Tags::default();
        for (kind, value, free) in rows {
            match (kind.as_str(), free != 0) {
                ("skill", false) => tags.skills.push(value),
                ("skill", true) => tags.free_tags.push(value),
                ("interest", _) => tags.interests.push(value),
                ("language", _) => tags.languages.push(value),
                _ => {}
            }
        }
        if let (Some(cache), Some(read)) = (self.cache.as_deref(), read) {
            cache.put(&cache.tags, user_id, read, tags.clone());
        }
        Ok(tags)
    }

    pub async fn set_home(&self, user_id: i64, home: Option<&Home<'_>>) -> Result<(), StoreError> {
        let _writing = self.writing();
        let point = home.map(|h| Point {
            lat: h.lat,
            lng: h.lng,
        });
        sqlx::query(
            "UPDATE users SET home_label = $1, home_lat = $2, home_lng = $3, home_cell = $4, \
             home_area = $5, home_wide_area = $6, changed_at = $7 WHERE id = $8",
        )
        .bind(home.and_then(|h| h.label))
        .bind(home.map(|h| h.lat))
        .bind(home.map(|h| h.lng))
        .bind(home.map(|h| h.cell))
        .bind(point.map(Point::area))
        .bind(point.map(Point::wide_area))
        .bind(crate::now())
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Fills the coarse home cells of people placed before they existed
    /// (run after the migrations; a no-op once done).
    pub(crate) async fn backfill_home_areas(&self) -> Result<(), StoreError> {
        let missing: Vec<(i64, f64, f64)> = sqlx::query_as(
            "SELECT id, home_lat, home_lng FROM users \
             WHERE home_lat IS NOT NULL AND home_lng IS NOT NULL AND home_area IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        if missing.is_empty() {
            return Ok(());
        }
        let _writing = self.writing();
        let mut tx = self.pool.begin().await?;
        for (id, lat, lng) in missing {
            let point = Point { lat, lng };
            sqlx::query("UPDATE users SET home_area = $1, home_wide_area = $2 WHERE id = $3")
                .bind(point.area())
                .bind(point.wide_area())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the stored photo's file name; returns the previous one so the
    /// caller can remove it.
    pub async fn set_photo(
        &self,
        user_id: i64,
        photo: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let _writing = self.writing();
        let mut tx = self.pool.begin().await?;
        let previous: Option<String> = sqlx::query_scalar("SELECT photo FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET photo = $1 WHERE id = $2")
            .bind(photo)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(previous)
    }

    /// True when `viewer` and `person` share at least one organisation.
    pub async fn share_an_organisation(
        &self,
        viewer: i64,
        person: i64,
    ) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships a JOIN memberships b ON a.org_id = b.org_id \
             WHERE a.user_id = $1 AND b.user_id = $2",
        )
        .bind(viewer)
        .bind(person)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }
}
