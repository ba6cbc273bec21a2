//! A policy's text as numbered blocks: split, rendered and sanitised one by one, so each
//! can carry its number and be commented on.

use super::*;

/// Splits a policy into its top-level blocks, each rendered and sanitised on its own, so
/// each can carry its number and be commented on.
pub fn split_blocks(markdown: &str) -> Vec<PolicyBlock> {
    block_sources(markdown)
        .into_iter()
        .enumerate()
        .map(|(index, (source, heading))| block(source, heading, index))
        .collect()
}

/// Each top-level block's plain text, in order: what versions are compared on (block `n`
/// is at index `n - 1`, as in [`split_blocks`]).
pub fn block_texts(markdown: &str) -> Vec<String> {
    block_sources(markdown)
        .into_iter()
        .map(|(source, _)| {
            markdown_to_text(source)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The Markdown of each top-level block, and whether it is a heading.
fn block_sources(markdown: &str) -> Vec<(&str, bool)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut heading = false;
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = range.start;
                    heading = matches!(tag, Tag::Heading { .. });
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    blocks.push((&markdown[start..range.end], heading));
                }
            }
            // A thematic break or other lone block.
            _ if depth == 0 => blocks.push((&markdown[range], false)),
            _ => {}
        }
    }
    blocks
}

pub(super) fn block(markdown: &str, heading: bool, index: usize) -> PolicyBlock {
    PolicyBlock {
        number: index as i64 + 1,
        heading,
        html: render_markdown(markdown),
        excerpt: excerpt(&markdown_to_text(markdown), 12),
    }
}

/// The first `words` words of a text, with an ellipsis when there are more.
pub fn excerpt(text: &str, words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    if all.len() <= words {
        all.join(" ")
    } else {
        format!("{}…", all[..words].join(" "))
    }
}

pub fn blocks_json(markdown: &str) -> String {
    serde_json::to_string(&split_blocks(markdown)).unwrap_or_else(|_| "[]".to_owned())
}

pub(super) fn parse_blocks(json: &str) -> Vec<PolicyBlock> {
    serde_json::from_str(json).unwrap_or_default()
}
