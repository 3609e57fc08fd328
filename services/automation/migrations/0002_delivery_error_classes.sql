-- Attempts used to store the connection error (with host and port) and the first 200
-- characters of a failed reply, which ListDeliveries returned: a read channel into the
-- deployment's network. Keep only the class each one belongs to.
UPDATE delivery_attempts SET error = CASE
    WHEN error = '' THEN ''
    WHEN error LIKE 'refused by the egress policy%' THEN 'ADDRESS_DENIED'
    WHEN error LIKE 'HTTP %' THEN 'HTTP_STATUS'
    WHEN error LIKE '%Timeout%' THEN 'TIMEOUT'
    WHEN error LIKE '%SSL%' OR error LIKE '%Certificate%' THEN 'TLS_ERROR'
    WHEN error LIKE '%Connect call failed%' OR error LIKE '%Connection refused%'
        THEN 'CONNECTION_REFUSED'
    WHEN error LIKE '%Name or service not known%' OR error LIKE '%nodename nor servname%'
        OR error LIKE '%Temporary failure in name resolution%' THEN 'DNS_ERROR'
    ELSE 'CONNECTION_FAILED'
END
WHERE error NOT IN ('', 'ADDRESS_DENIED', 'HTTP_STATUS', 'TIMEOUT', 'TLS_ERROR',
    'CONNECTION_REFUSED', 'DNS_ERROR', 'CONNECTION_FAILED');
