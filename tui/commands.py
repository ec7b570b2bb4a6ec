"""Command palette (Ctrl+P): every action of the app by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (title, help, action run on the app; "screen." actions run on the current screen)
COMMANDS: list[tuple[str, str, str]] = [
    ("Ask a question", "Go to the question box", "ask"),
    ("Topics", "The points the documents state on Benefits, Challenges, Recommendations",
     "topics"),
    ("Excerpts", "The excerpts marked so far", "excerpts"),
    ("Documents", "Indexed documents and sources (maintainers)", "documents"),
    ("Help", "Keys of every screen", "help"),
    ("Mark answer as excerpt", "One excerpt per bullet or citation of the last answer",
     "mark_answer"),
    ("Mark highlighted source as excerpt", "The source or passage under the cursor",
     "screen.mark"),
    ("Export excerpts to Markdown", "Write the excerpts list to a .md file", "export_excerpts"),
    ("Copy excerpts to clipboard", "The excerpts list as Markdown", "copy_excerpts"),
    ("Add file or folder", "Add a source and index it", "add_source"),
    ("Reindex", "Bring the index up to date with its sources", "reindex"),
    ("Sync from GOV.UK", "Fetch the configured GOV.UK pages, then index what changed",
     "sync_govuk"),
    ("Cancel indexing", "Stop a running reindex; the old index stays live", "cancel_indexing"),
    ("Remove highlighted excerpt", "In the excerpts list", "screen.delete"),
    ("Recompute topics", "In topics: ask the topic questions again", "screen.refresh_topics"),
    ("Previous passage", "In a source: the passage before", "screen.move(-1)"),
    ("Next passage", "In a source: the passage after", "screen.move(1)"),
]


class AssistantCommands(Provider):
    """The app's actions for the command palette."""

    async def _run(self, action: str) -> None:
        if action.startswith("screen."):
            name = action.removeprefix("screen.").split("(")[0]
            if not hasattr(self.screen, f"action_{name}"):
                self.app.notify("Not available on this screen.", severity="warning")
                return
            await self.screen.run_action(action.removeprefix("screen."))
        else:
            await self.app.run_action(action)

    async def discover(self) -> Hits:
        for title, help_text, action in COMMANDS:
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action),
                          help=help_text)
