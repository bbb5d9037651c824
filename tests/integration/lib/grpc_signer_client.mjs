// A client of AvalancheGo's remote signer service, loaded from the repo's own proto/signer.proto (the file
// the daemon's stubs are generated from), on @grpc/grpc-js: a gRPC implementation independent of the
// daemon's (C++ gRPC core). Calls resolve with the response or reject with the gRPC error ({code, details}).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const definition = protoLoader.loadSync(path.join(repoRoot, 'proto', 'signer.proto'), { keepCase: true });
const { Signer } = grpc.loadPackageDefinition(definition).signer;

export const Status = grpc.status;
export const credentials = grpc.credentials;

// `target`: "unix:/path" or "127.0.0.1:port". Each client gets a connection of its own (no subchannel
// shared with other clients), so sixteen clients are sixteen connections.
export function signerClient(target, channelCredentials = grpc.credentials.createInsecure(), options = {}) {
  const client = new Signer(target, channelCredentials, { 'grpc.use_local_subchannel_pool': 1, ...options });
  const call = (method) => (request = {}) => new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + 30000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
  return {
    publicKey: call('PublicKey'),
    sign: (message) => call('Sign')({ message }),
    signProofOfPossession: (message) => call('SignProofOfPossession')({ message }),
    close: () => client.close(),
  };
}
