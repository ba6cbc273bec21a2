//! HTTP integration tests: one binary, the real server, a fresh database per test.

mod accounts;
mod authorization;
mod caching;
mod content;
mod content_editing;
mod first_minute;
mod follows;
mod hardening;
mod helpers;
mod mail;
mod open_data;
mod pages;
mod policies;
mod policy_versions;
mod postgres;
mod real_world;
mod register;
mod register_editing;
mod reliability;
mod report_editor;
mod reports;
mod search;
mod security;
mod smtp;
mod staff;
mod subscriptions;
