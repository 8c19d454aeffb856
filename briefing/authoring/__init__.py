"""The analyst's commands, from a new article to a rebuilt briefing.

One module per job: `project` (a new project folder), `detect` (what an article shows of its
origin, and which lines carry no reporting), `yamledit` (round-trip edits that keep comments
and order), `register` (`source add` and `source update`), `sentences` (`source text`),
`quotes` (`quote`), `serve` (a live preview). The CLI only parses options and calls them.
"""
