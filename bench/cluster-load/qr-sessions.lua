-- wrk script: creates login QR codes, as a login page does when it opens.
wrk.path = "/api/qr-sessions"
wrk.method = "POST"
wrk.body = '{"purpose":"login"}'
wrk.headers["Content-Type"] = "application/json"
