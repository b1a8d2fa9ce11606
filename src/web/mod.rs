//! Web plumbing shared by the routes: page context and rendering, static assets, headers.

pub mod assets;
pub mod page;
