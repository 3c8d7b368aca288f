/**
 * An SCTP hostPort is published by Docker's userland proxy, which needs the host kernel's
 * SCTP support (the `sctp` module): without it the engine refuses to start the container
 * ("Error starting userland proxy: protocol not supported"). Said at validation, so the
 * apply-time failure is no surprise. An SCTP port without a hostPort needs nothing.
 */
import { containersOf, problemAt, type Rule } from '../located';

export const sctpHostPortsWarned: Rule = (m) =>
  m.pods.flatMap((site) =>
    containersOf(site).flatMap(({ container, path }) =>
      container.ports.flatMap((p, k) =>
        p.protocol === 'SCTP' && p.hostPort !== undefined
          ? [
              problemAt(
                site.doc,
                [...path, 'ports', k, 'protocol'],
                'warning',
                'port.sctp-host',
                `hostPort ${p.hostPort}/SCTP needs SCTP support in the host's kernel (the sctp module); without it Docker refuses to start the pod`,
              ),
            ]
          : [],
      ),
    ),
  );
