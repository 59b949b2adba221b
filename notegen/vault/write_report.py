"""What a vault write did, as counts and lists for the CLI to print."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from notegen.vault.write_plan import Conflict, WritePlan


@dataclass(frozen=True)
class RetiredCard:
    """A card no longer generated; its history now sits in the note's user section."""

    path: str
    question: str


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...] = ()  # new and changed files
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept_user_edited: tuple[str, ...] = ()  # sources gone, file edited: left as the student's
    user_sections_kept: tuple[str, ...] = ()  # notes whose My notes section had content
    flashcard_histories_carried: int = 0
    orphaned_histories: tuple[RetiredCard, ...] = ()
    conflicts: tuple[Conflict, ...] = ()  # overwritten under --force, each backed up
    temp_files_removed: tuple[str, ...] = ()
    saved_during_build: tuple[str, ...] = ()  # the student saved meanwhile: left as they saved it
    remerged: tuple[str, ...] = ()  # the student saved meanwhile: their save merged in
    warnings: tuple[str, ...] = ()  # e.g. an untrusted manifest
    relocations: tuple = ()  # (generated path, where the student keeps the note, renamed)

    def summary_line(self) -> str:
        parts = [
            f"{len(self.written)} written",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
            _count(len(self.user_sections_kept), "user section", "user sections") + " kept",
            _count(self.flashcard_histories_carried, "flashcard history", "flashcard histories")
            + " carried",
        ]
        if self.orphaned_histories:
            parts.append(_count(len(self.orphaned_histories), "retired card history",
                                "retired card histories") + " kept in My notes")
        if self.kept_user_edited:
            parts.append(_count(len(self.kept_user_edited), "edited file", "edited files")
                         + " kept although its source is gone")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} overwritten (your versions are in .notegen/backup/)")
        if self.temp_files_removed:
            parts.append(_count(len(self.temp_files_removed), "leftover temporary file",
                                "leftover temporary files") + " removed")
        if self.remerged:
            parts.append(_count(len(self.remerged), "note", "notes")
                         + " saved during the build merged again")
        if self.saved_during_build:
            parts.append(_count(len(self.saved_during_build), "file", "files")
                         + " saved during the build left as saved")
        if self.warnings:
            parts.append(_count(len(self.warnings), "warning", "warnings"))
        return ", ".join(parts)

    def details(self) -> list[str]:
        """One line per event the student should know about."""
        lines = [f"kept (source gone, edited): {p}" for p in self.kept_user_edited]
        lines += [f"retired card moved to My notes: {r.path}: {r.question}"
                  for r in self.orphaned_histories]
        lines += [f"overwritten: {c.path} (your version: {c.backup})" for c in self.conflicts]
        lines += [f"{p}: you saved it while the build ran and it no longer merges; left as you "
                  "saved it (build again to see why)" for p in self.saved_during_build]
        for generated, found, renamed in self.relocations:
            lines.append(f"renamed by you: {generated} -> {found}; regenerated under its new "
                         "name, and links to it now use that name" if renamed else
                         f"moved by you: {generated} -> {found}; regenerated where you put it")
        lines += [f"warning: {w}" for w in self.warnings]
        return lines


def report_from_plan(plan: WritePlan, skipped: Sequence[str] = (),
                     remerged: Sequence[str] = ()) -> WriteReport:
    return WriteReport(
        written=tuple(a.path for a in plan.writes if a.path not in skipped),
        unchanged=tuple(a.path for a in plan.actions if a.kind == "unchanged"),
        removed=plan.removals,
        kept_user_edited=plan.kept,
        user_sections_kept=tuple(a.path for a in plan.actions if a.user_section_kept),
        flashcard_histories_carried=sum(a.histories_carried for a in plan.actions),
        orphaned_histories=tuple(RetiredCard(a.path, " ".join(h.question.split()))
                                 for a in plan.actions for h in a.retired),
        conflicts=plan.conflicts if plan.force else (),
        temp_files_removed=plan.stale_temp_files,
        saved_during_build=tuple(skipped),
        remerged=tuple(remerged),
        warnings=plan.warnings,
        relocations=tuple((r.generated, r.found, r.renamed) for r in plan.relocations),
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
