"""HR's correction of an appraisal's score, kept beside the computed one."""

import math

from odoo import _, fields, models
from odoo.exceptions import ValidationError

from ..tools import scoring
from ..tools.trusted import TRUSTED
from .crm_appraisal import COMPUTE


class CrmAppraisal(models.Model):
    """Corrections: HR replaces a computed score with a reason; every recompute keeps it."""

    _inherit = "crm.appraisal"

    def _correct_score(self, score, reason):
        """HR replaces the computed score: it holds through recomputes, crons, closing and
        reopening until HR removes it; the grade and everything downstream follow it."""
        self._check_group("hr")
        self.check_access("write")
        self._check_correctable()
        if not 0 <= score < math.inf:  # NaN fails both comparisons
            raise ValidationError(
                _("A corrected score is a number of 0 or more, not %(score)s.", score=score)
            )
        if not (reason or "").strip():
            raise ValidationError(_("Say why the score is corrected: the reason is kept with it."))
        for appraisal in self.with_context(**{COMPUTE: TRUSTED}):
            appraisal.write(
                {
                    "total_score": score,
                    "grade": scoring.grade(score, appraisal.plan_id._grade_bands()),
                    "score_corrected": True,
                    "correction_reason": reason,
                    "corrected_by_id": self.env.uid,
                    "corrected_date": fields.Datetime.now(),
                }
            )
            appraisal.message_post(
                body=_(
                    "Score corrected by HR from %(computed).2f to %(score).2f: %(reason)s",
                    computed=appraisal.computed_total,
                    score=score,
                    reason=reason,
                )
            )

    def action_remove_correction(self):
        """HR removes the correction: the computed score counts again."""
        self._check_group("hr")
        self.check_access("write")
        self._check_correctable()
        for appraisal in self.filtered("score_corrected").with_context(**{COMPUTE: TRUSTED}):
            appraisal.write(
                {
                    "total_score": appraisal.computed_total,
                    "grade": scoring.grade(appraisal.computed_total, appraisal.plan_id._grade_bands()),
                    "score_corrected": False,
                    "correction_reason": False,
                    "corrected_by_id": False,
                    "corrected_date": False,
                }
            )
            appraisal.message_post(
                body=_(
                    "Correction removed by HR: the computed score %(score).2f counts again.",
                    score=appraisal.computed_total,
                )
            )
        return True

    def _check_correctable(self):
        self.period_id._check_open()
        self._check_not_frozen()

    def _keep_correction(self, values):
        """The totals of a computation as stored on this appraisal: HR's corrected score (and its
        grade) stays; the computed one is kept beside it."""
        self.ensure_one()
        if not self.score_corrected:
            return values
        return {
            **values,
            "total_score": self.total_score,
            "grade": scoring.grade(self.total_score, self.plan_id._grade_bands()),
        }
