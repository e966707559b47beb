"""What plan would call a change between a template file and the channel's template: import's
one comparison, for deciding whether a file is unchanged and for checking an edited one."""

from __future__ import annotations

from wa_templates.channel.normalise import align_samples, canonical
from wa_templates.files.model import TemplateFile
from wa_templates.plan.diff import diff


def differences_from(local: TemplateFile, channel: TemplateFile) -> list[str]:
    """What plan would call a change between a file and the channel's template, as paths.

    Samples the channel does not report and media samples (Meta re-hosts the file) are no
    difference, exactly as in plan; the category is, even for a live template.
    """
    out: list[str] = []
    if local.category != channel.category:
        out.append("category")
    for code in sorted(set(local.languages) | set(channel.languages)):
        if code not in channel.languages:
            out.append(f"{code} (not on the channel)")
        elif code not in local.languages:
            out.append(f"{code} (not in the file)")
        else:
            mine = canonical(local.languages[code], local.category)
            theirs = canonical(channel.languages[code], channel.category)
            mine, theirs = align_samples(mine, theirs)
            out += [f"{code} {change.path}" for change in diff(mine, theirs)]
    return out
