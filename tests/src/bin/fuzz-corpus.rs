//! Writes the fuzz seeds into `<dir>/<target>/seed-N` for cargo-fuzz (see `fuzz/write-corpus.sh`).

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".into());
    let seeds = meta_secret_tests::fuzzing::FuzzScene::new().seeds();
    for target in ["wire", "server", "apply"] {
        let target_dir = std::path::Path::new(&dir).join(target);
        std::fs::create_dir_all(&target_dir)?;
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(target_dir.join(format!("seed-{i}")), seed)?;
        }
    }
    println!("wrote {} seeds per target under {dir}", seeds.len());
    Ok(())
}
