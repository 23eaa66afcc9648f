// Progressive enhancement of the staff pages (everything works without this script):
// a "Kopieren" button next to a contact, announced through a live region.
const COPIED = "Kopiert";

function addCopyButton(slot) {
  const target = document.getElementById(slot.dataset.copyTarget);
  if (!target || !navigator.clipboard) {
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary copy-button";
  button.textContent = "Kopieren";
  button.setAttribute("aria-label", `${target.textContent.trim()} kopieren`);
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(target.textContent.trim());
      status.textContent = COPIED;
      button.textContent = COPIED;
    } catch {
      status.textContent = "Kopieren nicht möglich";
    }
  });
  slot.append(button, status);
}

document.querySelectorAll("[data-copy-target]").forEach(addCopyButton);
