/**
 * Fields that a default Kubernetes API server drops (alpha feature gates) or that only its
 * signers fill (podCertificate): accepted with a warning naming them, as the examples of the
 * Kubernetes documentation use them, instead of "unknown field".
 */
import { strict as assert } from 'node:assert';
import { validateDocuments } from '../../../src/schema';
import { formatProblem } from '../../../src/util/problems';
import { docFromYaml } from './helpers';

const lines = (yaml: string) => validateDocuments([docFromYaml(yaml, 't.yaml')]).problems.map((p) => formatProblem(p));

describe('schema: alpha fields and API-server projections', () => {
  it('restartPolicyRules and securityContext.cgroupOptions: a warning that Kubernetes drops them by default', () => {
    assert.deepEqual(
      lines(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: busybox
    restartPolicy: Always
    restartPolicyRules: [{action: Restart, exitCodes: {operator: In, values: [42]}}]
    securityContext: {cgroupOptions: {mountMode: ReadWrite}}
`),
      [
        't.yaml:9:5: warning: spec.containers[0].restartPolicyRules: field "restartPolicyRules": an alpha field of Kubernetes, off by default there (its API server drops it): ignored',
        't.yaml:10:23: warning: spec.containers[0].securityContext.cgroupOptions: field "securityContext.cgroupOptions": an alpha field of Kubernetes, off by default there (its API server drops it): ignored',
      ],
    );
  });

  it('a podCertificate projection: a warning, like serviceAccountToken', () => {
    assert.deepEqual(
      lines(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox}]
  volumes:
  - name: creds
    projected: {sources: [{podCertificate: {keyType: ED25519, signerName: coolcert.example.com/foo, credentialBundlePath: b.pem}}]}
`),
      [
        't.yaml:8:28: warning: spec.volumes[0].projected.sources[0].podCertificate: field "podCertificate" has no meaning on a single Docker host and is ignored',
      ],
    );
  });
});
