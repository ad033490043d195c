-- The inbox lists the returns an organisation runs or receives, oldest first.
CREATE INDEX repatriations_org ON repatriations(org_code, opened_at_ms);
CREATE INDEX repatriations_partner ON repatriations(partner_org, opened_at_ms);
