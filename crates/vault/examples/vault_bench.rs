//! Throughput of the safe's storage path, next to a plain file copy on the
//! same disk in the same run: seal + write (upload) and read + open
//! (download) of documents of a given size, in MB/s.
//!
//! `cargo run --release -p entraide-vault --example vault_bench -- [size_mb] [count]`

use std::time::Instant;

use entraide_vault::{DataKey, Vault};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let size_mb: usize = args.next().map_or(Ok(20), |a| a.parse())?;
    let count: usize = args.next().map_or(Ok(20), |a| a.parse())?;
    let dir = std::env::temp_dir().join(format!("entraide-vault-bench-{}", std::process::id()));
    let vault = Vault::local(&dir.join("vault"))?;
    let plain_dir = dir.join("plain");
    std::fs::create_dir_all(&plain_dir)?;
    let document: Vec<u8> = (0..size_mb * 1_000_000).map(|i| (i % 251) as u8).collect();
    let source = dir.join("source.bin");
    std::fs::write(&source, &document)?;
    let key = DataKey::generate();
    let total_mb = (size_mb * count) as f64;

    let started = Instant::now();
    for n in 0..count {
        vault
            .put(&key, &format!("owners/1/doc-{n}"), &document)
            .await?;
    }
    let upload = total_mb / started.elapsed().as_secs_f64();

    let started = Instant::now();
    for n in 0..count {
        let back = vault.get(&key, &format!("owners/1/doc-{n}")).await?;
        assert_eq!(back.len(), document.len());
    }
    let download = total_mb / started.elapsed().as_secs_f64();

    let started = Instant::now();
    for n in 0..count {
        std::fs::copy(&source, plain_dir.join(format!("doc-{n}")))?;
    }
    let copy_write = total_mb / started.elapsed().as_secs_f64();
    let started = Instant::now();
    for n in 0..count {
        let back = std::fs::read(plain_dir.join(format!("doc-{n}")))?;
        assert_eq!(back.len(), document.len());
    }
    let plain_read = total_mb / started.elapsed().as_secs_f64();

    println!("documents: {count} × {size_mb} MB");
    println!("upload (seal + write):    {upload:8.1} MB/s");
    println!("plain file copy:          {copy_write:8.1} MB/s");
    println!("download (read + open):   {download:8.1} MB/s");
    println!("plain file read:          {plain_read:8.1} MB/s");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
