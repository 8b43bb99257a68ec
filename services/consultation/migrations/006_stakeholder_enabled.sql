-- A disabled stakeholder may be enabled again, and a declared conflict withdrawn.
ALTER TABLE stakeholder_changes DROP CONSTRAINT stakeholder_changes_action_check;
ALTER TABLE stakeholder_changes ADD CONSTRAINT stakeholder_changes_action_check CHECK (
    action IN ('added', 'updated', 'conflict', 'conflict-withdrawn', 'disabled', 'enabled')
);
