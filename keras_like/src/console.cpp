// The console look chosen for Keras-style output (see duet/keras/console.h).
#include "duet/keras/console.h"

#include <atomic>

namespace duet::keras::config {

namespace {
std::atomic<ConsoleLook> g_look{ConsoleLook::keras2};
}  // namespace

void set_console_look(ConsoleLook look) { g_look.store(look); }
ConsoleLook console_look() { return g_look.load(); }

}  // namespace duet::keras::config
