//! The vault on a real folder: nothing readable on disk, altered or
//! swapped objects refused, data keys bound to their owner, and a server
//! key rotation that rewraps keys without touching documents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use entraide_vault::{DataKey, KeyRing, ServerKey, Vault, VaultError};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("entraide-vault-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every file under `dir`, read whole.
fn files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    found
}

#[tokio::test]
async fn nothing_readable_reaches_the_disk_and_altered_objects_are_refused() {
    let dir = scratch("disk");
    let vault = Vault::local(&dir).unwrap();
    let key = DataKey::generate();
    let marker = b"MARQUEUR-CARTE-IDENTITE-4242";
    let document: Vec<u8> = marker.iter().copied().cycle().take(50_000).collect();
    vault.put(&key, "owners/1/doc-1", &document).await.unwrap();
    vault.put(&key, "owners/1/doc-2", b"autre").await.unwrap();
    assert_eq!(vault.get(&key, "owners/1/doc-1").await.unwrap(), document);

    let stored = files(&dir);
    assert_eq!(stored.len(), 2);
    for (path, bytes) in &stored {
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker),
            "plaintext in {path:?}"
        );
    }
    // Another owner's key opens nothing.
    assert!(matches!(
        vault.get(&DataKey::generate(), "owners/1/doc-1").await,
        Err(VaultError::Tampered)
    ));
    // One flipped bit on disk, or an object moved under another name: refused.
    let (first, bytes) = stored.iter().find(|(p, _)| p.ends_with("doc-1")).unwrap();
    let mut altered = bytes.clone();
    altered[100] ^= 0x01;
    std::fs::write(first, &altered).unwrap();
    assert!(matches!(
        vault.get(&key, "owners/1/doc-1").await,
        Err(VaultError::Tampered)
    ));
    std::fs::write(first, bytes).unwrap();
    let second = dir.join("owners/1/doc-2");
    std::fs::copy(first, &second).unwrap();
    assert!(matches!(
        vault.get(&key, "owners/1/doc-2").await,
        Err(VaultError::Tampered)
    ));
    assert!(matches!(
        vault.get(&key, "owners/1/missing").await,
        Err(VaultError::NotFound)
    ));
    vault.delete("owners/1/doc-1").await.unwrap();
    vault.delete("owners/1/doc-1").await.unwrap();
    assert!(matches!(
        vault.get(&key, "owners/1/doc-1").await,
        Err(VaultError::NotFound)
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_rotation_rewraps_data_keys_and_documents_still_open() {
    let dir = scratch("rotate");
    let vault = Vault::local(&dir.join("objects")).unwrap();
    let old = ServerKey::load_or_create(&dir.join("vault.key")).unwrap();
    let again = ServerKey::load_or_create(&dir.join("vault.key")).unwrap();
    assert_eq!(old.id(), again.id(), "the key file is read back");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("vault.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let ring = KeyRing::new(old);
    let data = DataKey::generate();
    let wrapped = ring.wrap(&data, "42").unwrap();
    vault
        .put(&data, "owners/42/a", b"bulletin de salaire")
        .await
        .unwrap();
    assert!(
        matches!(ring.unwrap(&wrapped, "43"), Err(VaultError::Tampered)),
        "bound to its owner"
    );

    let new = ServerKey::generate();
    let new_id = new.id().to_owned();
    let rotating =
        KeyRing::new(new).with_previous(ServerKey::load_or_create(&dir.join("vault.key")).unwrap());
    let rewrapped = rotating.rewrap(&wrapped, "42").unwrap();
    assert_eq!(rewrapped.key_id, new_id);
    assert_ne!(rewrapped.bytes, wrapped.bytes);
    let after = KeyRing::new(ServerKey::from_base64(&rotating.current().to_base64()).unwrap());
    let opened = after.unwrap(&rewrapped, "42").unwrap();
    assert_eq!(
        vault.get(&opened, "owners/42/a").await.unwrap(),
        b"bulletin de salaire"
    );
    assert!(
        matches!(after.unwrap(&wrapped, "42"), Err(VaultError::UnknownKey(_))),
        "the old key is gone"
    );
    assert!(matches!(
        ServerKey::from_base64("court"),
        Err(VaultError::BadKey(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
