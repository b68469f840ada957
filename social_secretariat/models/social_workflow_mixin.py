from odoo import models

from ..tools import guard


class SocialWorkflowMixin(models.AbstractModel):
    """The records whose state and stamps only their actions write (see tools/guard.py): the
    actions check the caller and the state, then write through `_workflow_write`."""

    _name = "social.workflow.mixin"
    _description = "Workflow fields written by the actions only"

    def _workflow_write(self, vals):
        """Write workflow fields, once the action has checked the caller and the state."""
        with guard.workflow():
            return self.write(vals)
