/** Only canonical address text, in the intents and in the analyzer, each with its own message and the canonical form. */
import { AnalysisInputError, analyze } from '../../lib/analysis';
import { parseCidr, parseIp, whyNotAddress } from '../../lib/analysis/ip';
import { checkAddress, checkCidr } from '../../lib/intent/addresses';
import { pod, sourced } from '../analysis/support/objects';

const problem = (text: string) => {
  const r = checkCidr(text);
  if ('ok' in r) throw new Error(`${text} was accepted as ${r.ok}`);
  return `${r.problem.message} / ${r.problem.hint}`;
};

test.each([
  ['010.051.100.000/24', /octal \(8\.41\.100\.0\).*decimal \(10\.51\.100\.0\).*write 10\.51\.100\.0\/24 if you meant decimal, or 8\.41\.100\.0\/24 if you meant octal/],
  ['0xc6.0x33.0x64.0/24', /not dotted-decimal.*write 198\.51\.100\.0\/24/],
  ['3325256704/24', /write 198\.51\.100\.0\/24/],
  ['198.51.25600/24', /write 198\.51\.100\.0\/24/],
  ['198.51.100.7/24', /host bits set \/ write 198\.51\.100\.0\/24/],
  ['198.51.100.0/024', /leading zero \/ write 198\.51\.100\.0\/24/],
  ['198.51.100.0/33', /not a number from 0 to 32/],
  ['2001:DB8::/32', /not in canonical form.*write 2001:db8::\/32/],
  ['2001:0db8:0:0::/32', /write 2001:db8::\/32/],
  ['10.0.0.1', /one address, not a CIDR \/ write 10\.0\.0\.1\/32/],
  ['fe80::%eth0/64', /zone index/],
])('intents: %s is refused', (text, says) => {
  expect(problem(text)).toMatch(says);
});

test.each(['198.51.100.0/24', '0.0.0.0/0', '2001:db8::/32', '::/0', '::ffff:192.0.2.0/120'])('intents: %s is canonical', (text) => {
  expect(checkCidr(text)).toEqual({ ok: text });
});

test('intents: an address alone follows the same rule', () => {
  expect(checkAddress('192.0.2.1')).toEqual({ ok: '192.0.2.1' });
  expect('problem' in checkAddress('0300.0.2.1')).toBe(true);
});

test('analyzer: only canonical text is read, and the reason names the canonical form', () => {
  for (const bad of ['010.1.1.1', '0xa.1.1.1', '167837953', '10.1.257', '2001:DB8::1']) expect(parseIp(bad)).toBeUndefined();
  expect(parseIp('10.1.1.1')?.toString()).toBe('10.1.1.1');
  expect(parseCidr('10.1.2.3/8')?.prefix).toBe(8); // host bits: Kubernetes and Cilium read the network, so does the analyzer
  expect(parseCidr('10.0.0.0/08')).toBeUndefined();
  expect(whyNotAddress('010.051.100.000/24')).toMatch(/octal 8\.41\.100\.0 or decimal 10\.51\.100\.0\); write 10\.51\.100\.0\/24/);
  expect(whyNotAddress('2001:DB8::/32')).toMatch(/write 2001:db8::\/32/);
});

test('analyzer: a policy with an ambiguous ipBlock is an AnalysisInputError with the canonical form', () => {
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'x' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '010.051.100.000/24' } }] }] },
  };
  expect(() => analyze(sourced([pod('x/a'), policy]))).toThrow(AnalysisInputError);
  expect(() => analyze(sourced([pod('x/a'), policy]))).toThrow(/"010\.051\.100\.000\/24" is not a valid CIDR: leading zeros are ambiguous .*write 10\.51\.100\.0\/24/);
});
