-- Per-agent SIP digest credentials for outbound calls from unregistered addresses (issue 7).
-- The password is sealed with the secrets key (SecretBox); it never enters the route feed.
alter table agents
    add column sip_username text,
    add column sip_password bytea,
    add constraint agents_sip_password_needs_username check (sip_password is null or sip_username is not null);
