/** The sidebar's end of its protocol (src/shared/protocol.ts), on the shared webview RPC. */
import { type HostMessage, isHostMessage, type RequestMap } from '../shared/protocol';
import { WebviewRpc } from '../shared/webviewRpc';

export { RequestError } from '../shared/webviewRpc';

export class Rpc extends WebviewRpc<RequestMap, HostMessage> {
  constructor() {
    super(isHostMessage);
  }
}
