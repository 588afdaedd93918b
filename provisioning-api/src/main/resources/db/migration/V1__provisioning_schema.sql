-- Provisioning store: agents, trunks, integrations, numbers, and the versioned route-change feed.

create table agents (
    id                   text primary key,
    sip_uris             text[] not null check (cardinality(sip_uris) >= 1),
    max_concurrent_calls integer not null default 0 check (max_concurrent_calls >= 0),
    voicemail_message    text,
    enabled              boolean not null default true,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now()
);

-- Provider credentials. Secrets are AES-GCM ciphertext (nonce || ciphertext+tag); only the last four
-- characters are kept in clear, for display.
create table integrations (
    id            text primary key,
    provider      text not null check (provider in ('twilio', 'telnyx')),
    account_sid   text,
    connection_id text,
    secret        bytea not null,
    secret_last4  text not null,
    created_at    timestamptz not null default now()
);

create table trunks (
    id                   text primary key,
    provider             text not null check (provider in ('twilio', 'telnyx', 'generic', 'sandbox')),
    integration_id       text references integrations (id),
    binding              text,
    termination_uri      text not null unique,
    source_cidrs         text[] not null default '{}',
    sip_username         text,
    sip_password         bytea,
    max_concurrent_calls integer not null default 0 check (max_concurrent_calls >= 0),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now()
);

-- A number's key is its E.164 value as a bigint (15 digits fit); the text form is kept for display.
create table numbers (
    e164                      bigint primary key,
    phone_number              text not null unique,
    agent_id                  text not null references agents (id),
    inbound                   boolean not null default false,
    inbound_agent_id          text references agents (id),
    inbound_fallback_agent_id text references agents (id),
    inbound_voicemail_message text,
    provider                  text not null check (provider in ('twilio', 'telnyx', 'generic', 'sandbox')),
    integration_id            text references integrations (id),
    trunk_id                  text references trunks (id),
    binding                   text,
    sip_trunk                 text,
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now()
);
create index numbers_agent_id on numbers (agent_id);
create index numbers_inbound_agent_id on numbers (inbound_agent_id) where inbound_agent_id is not null;
create index numbers_fallback_agent_id on numbers (inbound_fallback_agent_id) where inbound_fallback_agent_id is not null;
create index numbers_integration_id on numbers (integration_id) where integration_id is not null;
create index numbers_trunk_id on numbers (trunk_id) where trunk_id is not null;

-- API keys: SHA-256 of high-entropy tokens; the tokens themselves are never stored.
create table api_keys (
    name       text primary key,
    key_hash   bytea not null,
    created_at timestamptz not null default now()
);

-- Idempotency-Key replay store: the first response to a key is returned again for the same request.
create table idempotency_keys (
    key             text primary key,
    request_hash    bytea not null,
    response_status integer not null,
    response_body   text not null,
    created_at      timestamptz not null default now()
);

-- A purchase is recorded before the provider is asked, so a crash between buying and wiring can be
-- reconciled (pending → completed | released).
create table purchase_intents (
    id           text primary key,
    e164         bigint not null,
    provider     text not null,
    agent_id     text not null,
    status       text not null check (status in ('pending', 'completed', 'released', 'failed')),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index purchase_intents_pending on purchase_intents (e164) where status = 'pending';

-- The sandbox provider's sold numbers (its inventory itself is computed, deterministic).
create table sandbox_sold (
    e164      bigint primary key,
    intent_id text not null,
    sold_at timestamptz not null default now()
);

-- The route-change feed. Versions are consecutive (1, 2, 3, ...) and commit in order: a writer takes the
-- next version from feed_head with a row lock held until its commit, so a rolled-back transaction leaves
-- no hole and a later version never becomes visible before an earlier one.
create table feed_head (
    id      boolean primary key default true check (id),
    version bigint not null
);
insert into feed_head (version) values (0);

create table route_changes (
    version    bigint primary key,
    kind       text not null,
    payload    jsonb not null,
    created_at timestamptz not null default now()
);
