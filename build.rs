fn main() {
    // Migrations are embedded at build time (diesel_migrations): rebuild when one is added.
    println!("cargo:rerun-if-changed=migrations");
}
