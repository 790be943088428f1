"""The list of the exact records behind a number, opened with the user's own rights."""

from odoo.exceptions import AccessError, UserError


def records_action(env, model, domain, title, context=None):
    """A window action on ``model`` records matching ``domain``. When the user's rights hide
    some of the records the number counted, the title says how many; when they hide all of
    them, the user is told instead of getting an empty list."""
    records = env[model].with_context(**(context or {}))
    counted = records.sudo().search_count(domain)
    try:
        visible = records.search_count(domain)
    except AccessError:
        visible = 0
    if visible < counted:
        hidden = env._(
            "%(counted)s records counted, %(visible)s visible to you: your access rights hide the others.",
            counted=counted,
            visible=visible,
        )
        if not visible:
            raise UserError(hidden)
        title = f"{title} ({hidden})"
    return {
        "type": "ir.actions.act_window",
        "name": title,
        "res_model": model,
        "view_mode": "list,form",
        "views": [(False, "list"), (False, "form")],
        "domain": domain,
        "context": {**(context or {}), "create": False},
        "target": "current",
    }
