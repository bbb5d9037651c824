// One signer call from a process of its own, so a test can make it as another user (setpriv):
//   node grpc_signer_call.mjs TARGET PublicKey|Sign|SignProofOfPossession [MESSAGE_HEX]
// Prints {"ok": true, "bytes": hex} or {"ok": false, "code": n, "details": text} on stdout.
import { signerClient } from './grpc_signer_client.mjs';

const [target, method, messageHex = ''] = process.argv.slice(2);
const client = signerClient(target);
const message = Buffer.from(messageHex, 'hex');
const calls = {
  PublicKey: () => client.publicKey().then((r) => r.public_key),
  Sign: () => client.sign(message).then((r) => r.signature),
  SignProofOfPossession: () => client.signProofOfPossession(message).then((r) => r.signature),
};
try {
  const bytes = await calls[method]();
  process.stdout.write(JSON.stringify({ ok: true, bytes: Buffer.from(bytes).toString('hex') }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, code: error.code, details: error.details }));
} finally {
  client.close();
}
