-- When the organization's improvement plan for the cycle was approved (утвержден): the event that
-- terms such as «в течение 5 дней после утверждения плана мероприятий» count from.
ALTER TABLE membership ADD COLUMN plan_approved_on TEXT
    CHECK (plan_approved_on IS NULL OR date(plan_approved_on) IS plan_approved_on);
