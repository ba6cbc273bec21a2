#![recursion_limit = "256"]
//! The `candour` binary's library: configuration, start-up, the routes machines read, and
//! the content importer.

pub mod accounts;
pub mod backup;
pub mod cli;
pub mod config;
pub mod content;
pub mod mail;
pub mod open_data;
pub mod page_cache;
pub mod router;
pub mod serve;
pub mod startup;
pub mod telemetry;
pub mod validators;
