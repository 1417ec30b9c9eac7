/** The graph panel's end of its protocol (src/shared/graphProtocol.ts), on the shared webview RPC. */
import { type GraphHostMessage, type GraphRequestMap, isGraphHostMessage } from '../shared/graphProtocol';
import { WebviewRpc } from '../shared/webviewRpc';

export { RequestError } from '../shared/webviewRpc';

export class GraphRpc extends WebviewRpc<GraphRequestMap, GraphHostMessage> {
  constructor() {
    super(isGraphHostMessage);
  }
}
