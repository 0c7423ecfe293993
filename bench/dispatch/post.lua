-- The same request Beckon's http channel sends: a JSON POST with an idempotency key.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.headers["Idempotency-Key"] = "bench/0/C1/2026-11-25"
wrk.body = '{"to": "+8613900000001", "text": "【Beckon】客户1，您的账户通知", "ref": "bench/0/C1/2026-11-25"}'
