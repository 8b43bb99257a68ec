"""The reviewer desk: an HTTP API and a server-rendered web page over the case workflows
(through `workflows.case_client`), consultation referrals and screening clearances."""

DEFAULT_HTTP_PORT = 8400
