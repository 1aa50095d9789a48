//! Sealing bytes with XChaCha20-Poly1305: a version byte, a random 24-byte
//! nonce, then the ciphertext and its tag. The associated data (an
//! object's name, an owner's id) is authenticated but not stored.

use chacha20poly1305::aead::{Aead as _, AeadCore as _, KeyInit as _, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::VaultError;

const VERSION: u8 = 1;
const NONCE: usize = 24;

/// Seals `plain` under `key`, bound to `aad`.
pub fn seal(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, VaultError> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    // Only messages beyond the cipher's limits (256 GiB) are refused.
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: plain, aad })
        .map_err(|_| VaultError::TooLarge)?;
    let mut out = Vec::with_capacity(1 + NONCE + sealed.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what [`seal`] sealed with the same key and `aad`.
pub fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
    if sealed.len() < 1 + NONCE + 16 || sealed[0] != VERSION {
        return Err(VaultError::Tampered);
    }
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let nonce = XNonce::from_slice(&sealed[1..1 + NONCE]);
    cipher
        .decrypt(
            nonce,
            Payload {
                msg: &sealed[1 + NONCE..],
                aad,
            },
        )
        .map_err(|_| VaultError::Tampered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_open_only_with_the_same_key_and_name() -> Result<(), VaultError> {
        let key = [7_u8; 32];
        let sealed = seal(&key, b"doc/1", b"carte d'identite")?;
        assert_eq!(open(&key, b"doc/1", &sealed)?, b"carte d'identite");
        assert!(matches!(
            open(&key, b"doc/2", &sealed),
            Err(VaultError::Tampered)
        ));
        assert!(matches!(
            open(&[8; 32], b"doc/1", &sealed),
            Err(VaultError::Tampered)
        ));
        for i in [0, 5, sealed.len() - 1] {
            let mut altered = sealed.clone();
            altered[i] ^= 1;
            assert!(matches!(
                open(&key, b"doc/1", &altered),
                Err(VaultError::Tampered)
            ));
        }
        assert!(matches!(
            open(&key, b"doc/1", &sealed[..20]),
            Err(VaultError::Tampered)
        ));
        assert_ne!(
            seal(&key, b"doc/1", b"x")?,
            seal(&key, b"doc/1", b"x")?,
            "fresh nonces"
        );
        Ok(())
    }
}
