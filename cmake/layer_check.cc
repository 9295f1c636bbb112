// Linked with one layer's library whole (agent/CMakeLists.txt): the link fails when the library
// uses anything its layer does not declare. Never run.
int main() { return 0; }
