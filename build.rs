fn main() {
    // embed_migrations! does not notice migration-only changes by itself.
    println!("cargo:rerun-if-changed=migrations");
}
