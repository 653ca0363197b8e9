// userbridge widget loader: defines <user-edit>. Rendering happens in Rust (userbridge_widget);
// a custom element has to be a JS class, so the class lives here and stays this small.
import init, { renderUserEdit, version, isDialect } from './pkg/userbridge_widget.js';

await init();

class UserEdit extends HTMLElement {
  static observedAttributes = ['dialect'];

  connectedCallback() {
    renderUserEdit(this);
  }

  attributeChangedCallback() {
    if (this.isConnected) renderUserEdit(this);
  }
}

if (!customElements.get('user-edit')) {
  customElements.define('user-edit', UserEdit);
}

export { version, isDialect };
